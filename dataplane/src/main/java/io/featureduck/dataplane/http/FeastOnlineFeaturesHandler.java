package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.lookup.OnlineLookup;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /get-online-features}: the request and response of Feast's HTTP feature servers, so a Feast client
 * switches by changing its URL.
 *
 * <pre>{"features": ["driver-stats:conv_rate"], "entities": {"driver_id": [1001, 1002]}, "full_feature_names": false}</pre>
 *
 * As in Feast's {@code GetOnlineFeaturesResponse}, {@code results} holds one entry per column (the entity columns
 * first, then each feature) with {@code values}, {@code statuses} and {@code event_timestamps} across the entities.
 * {@code feature_service} may stand for the features. Request data for on-demand features comes as Feast's Python
 * server takes it (extra columns in {@code entities}) or as its Go server does ({@code request_context}); the Go
 * server's {@code ?status=false} leaves statuses and timestamps out. {@code metadata.table_versions} adds which table
 * version each view answered from, and {@code include_feature_view_version_metadata} asks for Feast's
 * {@code feature_view_metadata} (the version is the table version).
 */
final class FeastOnlineFeaturesHandler implements Handler<RoutingContext> {
    private static final SerializedString EPOCH = new SerializedString("1970-01-01T00:00:00Z");
    private static final SerializedString PRESENT = new SerializedString(LookupStatus.PRESENT.name());
    private static final SerializedString VALUES = new SerializedString("values");
    private static final SerializedString STATUSES = new SerializedString("statuses");
    private static final SerializedString EVENT_TIMESTAMPS = new SerializedString("event_timestamps");

    private final JsonRequests requests;
    private final OnlineLookup lookup;
    private final JsonFactory json;

    FeastOnlineFeaturesHandler(JsonRequests requests, OnlineLookup lookup, JsonFactory json) {
        this.requests = requests;
        this.lookup = lookup;
        this.json = json;
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean withStatus = statusParameter(ctx);
        JsonNode body = requests.object(ctx);
        JsonColumns entities = JsonColumns.of(body, "entities");
        JsonColumns context = JsonColumns.of(body, "request_context");
        // Feast's Python server takes request data as extra entity columns, its Go server in request_context.
        RequestColumns requestData = RequestColumns.union(context, entities);
        OnlineRequest request = new OnlineRequest(features(body), featureService(body), entities, requestData,
                JsonRequests.optionalBoolean(body, "full_feature_names"));
        OnlineAnswer answer = lookup.answer(request, Authentication.grant(ctx));
        boolean versions = JsonRequests.optionalBoolean(body, "include_feature_view_version_metadata");
        ctx.response().putHeader("content-type", "application/json")
                .end(render(entities, answer, withStatus, versions));
    }

    /** The Go server's {@code ?status=}: statuses and timestamps are written unless it is false. */
    private static boolean statusParameter(RoutingContext ctx) {
        List<String> values = ctx.queryParam("status");
        if (values.isEmpty()) {
            return true;
        }
        String value = values.get(0);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "query parameter 'status' must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static List<FeatureRef> features(JsonNode body) {
        JsonNode refs = body.get("features");
        if (refs == null || refs.isNull()) {
            return List.of();
        }
        // Feast's JSON form of a FeatureList may also arrive as {"val": [...]}.
        JsonNode list = refs.isObject() && refs.has("val") ? refs.get("val") : refs;
        if (!list.isArray()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'features' must be a list of view:feature");
        }
        if (list.isEmpty()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'features' must name at least one view:feature");
        }
        List<FeatureRef> features = new ArrayList<>(list.size());
        for (JsonNode node : list) {
            features.add(JsonRequests.featureRef(node.isTextual() ? node.textValue() : node.toString()));
        }
        return features;
    }

    private static Optional<String> featureService(JsonNode body) {
        JsonNode name = body.get("feature_service");
        if (name == null || name.isNull()) {
            return Optional.empty();
        }
        if (!name.isTextual()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'feature_service' must be a name");
        }
        return Optional.of(name.textValue());
    }

    private Buffer render(JsonColumns entities, OnlineAnswer answer, boolean withStatus, boolean versions) {
        int count = answer.entities();
        BufferOutputStream bytes = new BufferOutputStream(256 + count * (entities.names().size()
                + answer.features().size()) * 80L, lookup.views().maxResponseBytes());
        try (JsonGenerator out = json.createGenerator(bytes)) {
            out.writeStartObject();
            writeMetadata(out, entities, answer, versions);
            out.writeArrayFieldStart("results");
            for (String name : entities.names()) {
                out.writeStartObject();
                out.writeFieldName(VALUES);
                out.writeTree(entities.column(name));
                if (withStatus) {
                    out.writeFieldName(STATUSES);
                    out.writeStartArray();
                    for (int e = 0; e < count; e++) {
                        out.writeString(PRESENT);
                    }
                    out.writeEndArray();
                    out.writeFieldName(EVENT_TIMESTAMPS);
                    out.writeStartArray();
                    for (int e = 0; e < count; e++) {
                        out.writeString(EPOCH);
                    }
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            for (int f = 0; f < answer.features().size(); f++) {
                writeFeature(out, answer, f, withStatus);
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
        return bytes.buffer();
    }

    private static void writeMetadata(JsonGenerator out, JsonColumns entities, OnlineAnswer answer, boolean versions)
            throws IOException {
        out.writeObjectFieldStart("metadata");
        out.writeArrayFieldStart("feature_names");
        for (String column : entities.names()) {
            out.writeString(column);
        }
        for (var feature : answer.features()) {
            out.writeString(feature.outputName());
        }
        out.writeEndArray();
        if (versions) {
            out.writeArrayFieldStart("feature_view_metadata");
            for (OnlineIndex index : answer.indexes()) {
                out.writeStartObject();
                out.writeStringField("name", index.view().name());
                out.writeNumberField("version", index.tableVersion());
                out.writeEndObject();
            }
            out.writeEndArray();
        }
        out.writeObjectFieldStart("table_versions");
        for (OnlineIndex index : answer.indexes()) {
            out.writeNumberField(index.view().name(), index.tableVersion());
        }
        out.writeEndObject();
        // How old each view's data is: seconds since its served table version was committed.
        out.writeObjectFieldStart("data_age_seconds");
        long nowMillis = answer.nowMicros() / 1000;
        for (OnlineIndex index : answer.indexes()) {
            out.writeNumberField(index.view().name(), index.dataAgeSeconds(nowMillis));
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    private static void writeFeature(JsonGenerator out, OnlineAnswer answer, int feature, boolean withStatus)
            throws IOException {
        int count = answer.entities();
        LookupStatus[] statuses = new LookupStatus[count];
        for (int e = 0; e < count; e++) {
            statuses[e] = answer.status(feature, e);
        }
        out.writeStartObject();
        out.writeFieldName(VALUES);
        out.writeStartArray();
        for (int e = 0; e < count; e++) {
            if (statuses[e] == LookupStatus.PRESENT) {
                answer.writeJson(feature, e, out);
            } else {
                out.writeNull();
            }
        }
        out.writeEndArray();
        if (withStatus) {
            out.writeFieldName(STATUSES);
            out.writeStartArray();
            for (LookupStatus status : statuses) {
                out.writeString(status.json());
            }
            out.writeEndArray();
            out.writeFieldName(EVENT_TIMESTAMPS);
            out.writeStartArray();
            for (int e = 0; e < count; e++) {
                out.writeString(answer.found(feature, e) ? EventTime.json(answer.eventMicros(feature, e)) : EPOCH);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }
}
