package io.featureduck.dataplane.http;

import com.dslplatform.json.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.AnswerFeature;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.lookup.OnlineLookup;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.shard.ShardRouter;
import io.featureduck.dataplane.values.FeatureValues;
import io.featureduck.dataplane.values.JsonValues;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/features/online}: features of one view, or of one feature service, for a batch of entities, through
 * the same {@link OnlineLookup} as Feast's routes (so on-demand features are answered too).
 *
 * <pre>{"feature_view": "driver-stats", "entities": [{"driver_id": 1001}], "features": ["conv_rate"]}
 * {"feature_service": "driver-ranking", "entities": [{"driver_id": 1001, "trip_km": 3.5}]}</pre>
 *
 * An entity object holds its join keys and the request fields on-demand features read. Answers one result per
 * entity, in request order, with its status, event time and features, plus the table versions the values came from.
 * Runs on the event loop: a lookup is hash probes and array reads, no I/O.
 */
final class OnlineFeaturesHandler implements Handler<RoutingContext> {
    private final JsonRequests requests;
    private final ShardRouter router;
    private final OnlineLookup lookup;
    private final AnswerWriters writers;

    OnlineFeaturesHandler(JsonRequests requests, ShardRouter router) {
        this.router = router;
        OnlineLookup lookup = router.lookup();
        this.requests = requests;
        this.lookup = lookup;
        this.writers = new AnswerWriters(lookup.views().maxResponseBytes());
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonNode body = requests.object(ctx);
        Optional<String> view = text(body, "feature_view");
        Optional<String> service = text(body, "feature_service");
        if (view.isPresent() == service.isPresent()) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_FIELD,
                    "name either 'feature_view' (with optional " + "'features') or 'feature_service'");
        }
        Grant grant = Authentication.grant(ctx);
        // An unknown or unreadable view is named first, whatever else is wrong with the request.
        Optional<OnlineIndex> index = view.map(name -> lookup.views().index(name, grant));
        EntityRows entities = EntityRows.of(JsonRequests.requiredArray(body, "entities"), "entities");
        List<FeatureRef> features = index.isPresent() ? features(body, index.get()) : noFeatures(body);
        AnswerWriters.reply(
                ctx,
                router.answer(
                        new OnlineRequest(features, service, entities, entities, false),
                        grant,
                        Authentication.credentials(ctx)),
                answer -> writers.send(render(view, service, entities, answer), ctx.response()));
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be a string");
        }
        return Optional.of(value.textValue());
    }

    private static List<FeatureRef> noFeatures(JsonNode body) {
        if (body.has("features")) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "a feature service names its features; send " + "'features' with 'feature_view' only");
        }
        return List.of();
    }

    /**
     * The features asked of {@code view}: those listed, or every stored and aggregated feature (on-demand features need
     * request data and are answered when named).
     */
    private static List<FeatureRef> features(JsonNode body, OnlineIndex index) {
        JsonNode requested = body.get("features");
        String view = index.view().name();
        List<FeatureRef> refs = new ArrayList<>();
        if (requested == null || requested.isNull()) {
            index.view().featureNames().forEach(name -> refs.add(new FeatureRef(view, name)));
            index.view().aggregations().features().forEach(f -> refs.add(new FeatureRef(view, f.name())));
            return refs;
        }
        if (!requested.isArray()) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD, "field 'features' must be an array of feature names");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            JsonNode name = requested.get(i);
            if (!name.isTextual()) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD, "features[" + i + "] must be a feature name string");
            }
            if (!seen.add(name.textValue())) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD, "feature '" + name.textValue() + "' is requested twice");
            }
            refs.add(new FeatureRef(view, name.textValue()));
        }
        return refs;
    }

    private JsonWriter render(
            Optional<String> view, Optional<String> service, EntityRows entities, OnlineAnswer answer) {
        long nowMillis = answer.nowMicros() / 1000;
        JsonWriter out = writers.start();
        if (view.isPresent()) {
            out.writeAscii("{\"feature_view\":");
            out.writeString(view.get());
            out.writeAscii(",\"table_version\":");
            AnswerWriters.writeTableVersion(answer.index(0), out);
            out.writeAscii(",\"data_age_seconds\":");
            JsonValues.writeLong(answer.index(0).dataAgeSeconds(nowMillis), out);
        } else {
            out.writeAscii("{\"feature_service\":");
            out.writeString(service.orElseThrow());
        }
        out.writeAscii(",\"table_versions\":{");
        for (int slot = 0; slot < answer.viewCount(); slot++) {
            if (slot > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            out.writeString(answer.index(slot).view().name());
            out.writeByte(JsonWriter.SEMI);
            AnswerWriters.writeTableVersion(answer.index(slot), out);
        }
        List<AnswerFeature> features = answer.features();
        out.writeAscii("},\"features\":[");
        for (int f = 0; f < features.size(); f++) {
            if (f > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            out.writeString(features.get(f).outputName());
        }
        out.writeAscii("],\"results\":[");
        for (int e = 0; e < answer.entities(); e++) {
            if (e > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            out.writeAscii("{\"entity\":");
            out.writeAscii(entities.entity(e).toString());
            out.writeAscii(",\"status\":");
            out.writeAscii(status(answer, e).quotedJson());
            out.writeAscii(",\"event_timestamp\":");
            long latest = Long.MIN_VALUE;
            for (int slot = 0; slot < answer.viewCount(); slot++) {
                if (answer.rowFound(slot, e)) {
                    latest = Math.max(latest, answer.rowEventMicros(slot, e));
                }
            }
            if (latest == Long.MIN_VALUE) {
                out.writeNull();
            } else {
                out.writeAscii(EventTime.quotedUtf8(latest));
            }
            out.writeAscii(",\"features\":{");
            for (int f = 0; f < features.size(); f++) {
                if (f > 0) {
                    out.writeByte(JsonWriter.COMMA);
                }
                out.writeString(features.get(f).outputName());
                out.writeByte(JsonWriter.SEMI);
                LookupStatus status = answer.status(f, e);
                if (status != LookupStatus.PRESENT) {
                    out.writeNull();
                } else if (features.get(f).isComputed()) {
                    FeatureValues.writeJson(answer.computed(f, e), out);
                } else {
                    answer.column(f).writeJson(answer.row(f, e), out);
                }
            }
            out.writeAscii("}}");
            writers.check(out);
        }
        out.writeAscii("]}");
        return out;
    }

    /** The entity's status: PRESENT when every view holds it (fresh), else the first view's reason it does not. */
    private static LookupStatus status(OnlineAnswer answer, int entity) {
        for (int slot = 0; slot < answer.viewCount(); slot++) {
            LookupStatus status = answer.rowStatus(slot, entity);
            if (status != LookupStatus.PRESENT) {
                return status;
            }
        }
        return LookupStatus.PRESENT;
    }
}
