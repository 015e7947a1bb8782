package io.featureduck.dataplane.http;

import com.dslplatform.json.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.OnlineViews;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EntityKeys;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.values.JsonValues;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/features/online}: features of one view for a batch of entities.
 *
 * <pre>{"feature_view": "driver-stats", "entities": [{"driver_id": 1001}], "features": ["conv_rate"]}</pre>
 *
 * Answers one result per entity, in request order, with its status, event time and features, plus the table version
 * the values came from. Runs on the event loop: a lookup is a hash probe and array reads, no I/O.
 */
final class OnlineFeaturesHandler implements Handler<RoutingContext> {
    private final JsonRequests requests;
    private final OnlineViews views;
    private final AnswerWriters writers;

    OnlineFeaturesHandler(JsonRequests requests, OnlineViews views) {
        this.requests = requests;
        this.views = views;
        this.writers = new AnswerWriters(views.maxResponseBytes());
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonNode body = requests.object(ctx);
        JsonNode viewName = body.get("feature_view");
        if (viewName == null || !viewName.isTextual()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "field 'feature_view' is required and must be a string");
        }
        OnlineIndex index = views.index(viewName.textValue(), Authentication.grant(ctx));
        int[] features = features(body, index);
        JsonNode entities = JsonRequests.requiredArray(body, "entities");
        views.checkBatch(entities.size());
        int[] rows = rows(index, entities);
        writers.send(render(index, features, entities, rows), ctx.response());
    }

    private static int[] features(JsonNode body, OnlineIndex index) {
        JsonNode requested = body.get("features");
        if (requested == null || requested.isNull()) {
            int[] all = new int[index.view().features().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        if (!requested.isArray()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'features' must be an array of feature names");
        }
        int[] positions = new int[requested.size()];
        boolean[] seen = new boolean[index.view().features().size()];
        for (int i = 0; i < positions.length; i++) {
            JsonNode name = requested.get(i);
            if (!name.isTextual()) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "features[" + i + "] must be a feature name string");
            }
            positions[i] = OnlineViews.featurePosition(index, name.textValue());
            if (seen[positions[i]]) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "feature '" + name.textValue()
                        + "' is requested twice");
            }
            seen[positions[i]] = true;
        }
        return positions;
    }

    private static int[] rows(OnlineIndex index, JsonNode entities) {
        List<EntitySpec> keys = index.view().entities();
        int[] rows = new int[entities.size()];
        List<JsonNode> values = new ArrayList<>(keys.size());
        for (int e = 0; e < rows.length; e++) {
            JsonNode entity = entities.get(e);
            if (!entity.isObject()) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "entities[" + e + "] must be an object of join keys");
            }
            values.clear();
            for (EntitySpec key : keys) {
                JsonNode value = entity.get(key.name());
                if (value == null || value.isNull()) {
                    throw new FeatureDuckException(ErrorCode.MISSING_JOIN_KEY, "entities[" + e + "] lacks join key '"
                            + key.name() + "' of feature view '" + index.view().name() + "'");
                }
                values.add(value);
            }
            rows[e] = index.rowOf(key(index, values));
        }
        return rows;
    }

    /** The canonical key of one entity, from its join-key values (one per entity of the view). */
    private static Object key(OnlineIndex index, List<JsonNode> values) {
        List<EntitySpec> entities = index.view().entities();
        try {
            if (entities.size() == 1) {
                return EntityKeys.fromJson(values.get(0), entities.get(0));
            }
            List<Object> parts = new ArrayList<>(entities.size());
            for (int i = 0; i < entities.size(); i++) {
                parts.add(EntityKeys.fromJson(values.get(i), entities.get(i)));
            }
            return List.copyOf(parts);
        } catch (IllegalArgumentException e) {
            throw new FeatureDuckException(ErrorCode.WRONG_KEY_TYPE, e.getMessage());
        }
    }

    private JsonWriter render(OnlineIndex index, int[] features, JsonNode entities, int[] rows) {
        long now = views.nowMicros();
        JsonWriter out = writers.start();
        out.writeAscii("{\"feature_view\":");
        out.writeString(index.view().name());
        out.writeAscii(",\"table_version\":");
        JsonValues.writeLong(index.tableVersion(), out);
        out.writeAscii(",\"data_age_seconds\":");
        JsonValues.writeLong(index.dataAgeSeconds(now / 1000), out);
        out.writeAscii(",\"features\":[");
        for (int i = 0; i < features.length; i++) {
            if (i > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            out.writeString(index.view().features().get(features[i]).name());
        }
        out.writeAscii("],\"results\":[");
        for (int e = 0; e < rows.length; e++) {
            int row = rows[e];
            LookupStatus status = views.status(index, row, now);
            if (e > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            out.writeAscii("{\"entity\":");
            out.writeAscii(entities.get(e).toString());
            out.writeAscii(",\"status\":");
            out.writeAscii(status.quotedJson());
            out.writeAscii(",\"event_timestamp\":");
            if (row == EntityKeyIndex.ABSENT) {
                out.writeNull();
            } else {
                out.writeAscii(EventTime.quotedUtf8(index.eventMicros(row)));
            }
            out.writeAscii(",\"features\":{");
            for (int i = 0; i < features.length; i++) {
                if (i > 0) {
                    out.writeByte(JsonWriter.COMMA);
                }
                out.writeString(index.view().features().get(features[i]).name());
                out.writeByte(JsonWriter.SEMI);
                if (status == LookupStatus.PRESENT) {
                    index.column(features[i]).writeJson(row, out);
                } else {
                    out.writeNull();
                }
            }
            out.writeAscii("}}");
            writers.check(out);
        }
        out.writeAscii("]}");
        return out;
    }
}
