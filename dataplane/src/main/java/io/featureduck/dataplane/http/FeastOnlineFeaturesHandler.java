package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /get-online-features}: the request and response of Feast's HTTP feature server, so a Feast client
 * switches by changing its URL.
 *
 * <pre>{"features": ["driver-stats:conv_rate"], "entities": {"driver_id": [1001, 1002]}, "full_feature_names": false}</pre>
 *
 * As in Feast's {@code GetOnlineFeaturesResponse}, {@code results} holds one entry per column (the entity columns
 * first, then each feature) with {@code values}, {@code statuses} and {@code event_timestamps} across the entities.
 * {@code metadata.table_versions} adds which table version each view answered from.
 */
final class FeastOnlineFeaturesHandler implements Handler<RoutingContext> {
    private static final SerializedString EPOCH = new SerializedString("1970-01-01T00:00:00Z");
    private static final SerializedString PRESENT = new SerializedString(LookupStatus.PRESENT.name());
    private static final SerializedString VALUES = new SerializedString("values");
    private static final SerializedString STATUSES = new SerializedString("statuses");
    private static final SerializedString EVENT_TIMESTAMPS = new SerializedString("event_timestamps");

    private final JsonRequests requests;
    private final OnlineViews views;
    private final JsonFactory json;

    FeastOnlineFeaturesHandler(JsonRequests requests, OnlineViews views, JsonFactory json) {
        this.requests = requests;
        this.views = views;
        this.json = json;
    }

    /** One requested feature: its view's index and its position in the view. */
    private record FeatureColumnRef(OnlineIndex index, int position, String outputName) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonNode body = requests.object(ctx);
        if (body.hasNonNull("feature_service")) {
            throw new FeatureDuckException(ErrorCode.UNSUPPORTED, "feature services are not supported; list 'features' as "
                    + "view:feature references");
        }
        boolean fullNames = JsonRequests.optionalBoolean(body, "full_feature_names");
        Map<String, JsonNode> entityColumns = entityColumns(body);
        int entityCount = entityColumns.values().iterator().next().size();
        Map<String, OnlineIndex> indexes = new LinkedHashMap<>();
        List<FeatureColumnRef> features = features(body, fullNames, indexes, Authentication.grant(ctx));
        for (FeatureColumnRef feature : features) {
            // Entity columns and features share the answer's column names: one name, one column.
            if (entityColumns.containsKey(feature.outputName())) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "entities." + feature.outputName() + " has the "
                        + "name of a requested feature; rename it or ask for full_feature_names");
            }
        }
        Map<String, int[]> rowsByView = new LinkedHashMap<>();
        long now = views.nowMicros();
        for (OnlineIndex index : indexes.values()) {
            int[] rows = rows(index, entityColumns, entityCount);
            rowsByView.put(index.view().name(), rows);
            for (int row : rows) {
                views.status(index, row, now);
            }
        }
        ctx.response().putHeader("content-type", "application/json")
                .end(render(entityColumns, entityCount, features, indexes, rowsByView, now));
    }

    private Map<String, JsonNode> entityColumns(JsonNode body) {
        JsonNode entities = body.get("entities");
        if (entities == null || !entities.isObject() || entities.isEmpty()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "field 'entities' is required: an object of join key name "
                    + "to a list of values, e.g. {\"driver_id\": [1001, 1002]}");
        }
        Map<String, JsonNode> columns = new LinkedHashMap<>();
        int size = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = entities.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            if (!column.getValue().isArray()) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "entities." + column.getKey() + " must be a list of values");
            }
            if (size >= 0 && column.getValue().size() != size) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "every list in 'entities' must have the same length; "
                        + "entities." + column.getKey() + " has " + column.getValue().size() + ", others " + size);
            }
            size = column.getValue().size();
            columns.put(column.getKey(), column.getValue());
        }
        views.checkBatch(size);
        return columns;
    }

    private List<FeatureColumnRef> features(JsonNode body, boolean fullNames, Map<String, OnlineIndex> indexes,
                                            Grant grant) {
        JsonNode refs = JsonRequests.requiredArray(body, "features");
        if (refs.isEmpty()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'features' must name at least one view:feature");
        }
        List<FeatureColumnRef> features = new ArrayList<>(refs.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < refs.size(); i++) {
            JsonNode node = refs.get(i);
            FeatureRef ref = JsonRequests.featureRef(node.isTextual() ? node.textValue() : node.toString());
            if (!seen.add(ref.toString())) {
                throw new FeatureDuckException(ErrorCode.INVALID_FEATURE_REF, "feature '" + ref + "' is requested twice");
            }
            OnlineIndex index = indexes.computeIfAbsent(ref.view(), name -> views.index(name, grant));
            int position = OnlineViews.featurePosition(index, ref.feature());
            features.add(new FeatureColumnRef(index, position, ref.outputName(fullNames)));
        }
        return features;
    }

    private static int[] rows(OnlineIndex index, Map<String, JsonNode> entityColumns, int entityCount) {
        List<EntitySpec> keys = index.view().entities();
        List<JsonNode> keyColumns = new ArrayList<>(keys.size());
        for (EntitySpec key : keys) {
            JsonNode column = entityColumns.get(key.name());
            if (column == null) {
                throw new FeatureDuckException(ErrorCode.MISSING_JOIN_KEY, "feature view '" + index.view().name()
                        + "' is keyed by " + index.view().entityNames() + " but 'entities' has no '" + key.name() + "'");
            }
            keyColumns.add(column);
        }
        int[] rows = new int[entityCount];
        List<JsonNode> values = new ArrayList<>(keys.size());
        for (int e = 0; e < entityCount; e++) {
            values.clear();
            for (JsonNode column : keyColumns) {
                values.add(column.get(e));
            }
            rows[e] = index.rowOf(OnlineViews.key(index, values));
        }
        return rows;
    }

    private Buffer render(Map<String, JsonNode> entityColumns, int entityCount, List<FeatureColumnRef> features,
                          Map<String, OnlineIndex> indexes, Map<String, int[]> rowsByView, long now) {
        BufferOutputStream bytes = views.responseBuffer(256 + entityCount * (entityColumns.size() + features.size()) * 80L);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeObjectFieldStart("metadata");
            out.writeArrayFieldStart("feature_names");
            for (String column : entityColumns.keySet()) {
                out.writeString(column);
            }
            for (FeatureColumnRef feature : features) {
                out.writeString(feature.outputName());
            }
            out.writeEndArray();
            out.writeObjectFieldStart("table_versions");
            for (OnlineIndex index : indexes.values()) {
                out.writeNumberField(index.view().name(), index.tableVersion());
            }
            out.writeEndObject();
            // How old each view's data is: seconds since its served table version was committed.
            out.writeObjectFieldStart("data_age_seconds");
            long nowMillis = now / 1000;
            for (OnlineIndex index : indexes.values()) {
                out.writeNumberField(index.view().name(), index.dataAgeSeconds(nowMillis));
            }
            out.writeEndObject();
            out.writeEndObject();
            out.writeArrayFieldStart("results");
            for (JsonNode column : entityColumns.values()) {
                out.writeStartObject();
                out.writeFieldName(VALUES);
                out.writeTree(column);
                out.writeFieldName(STATUSES);
        out.writeStartArray();
                for (int e = 0; e < entityCount; e++) {
                    out.writeString(PRESENT);
                }
                out.writeEndArray();
                out.writeFieldName(EVENT_TIMESTAMPS);
        out.writeStartArray();
                for (int e = 0; e < entityCount; e++) {
                    out.writeString(EPOCH);
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            for (FeatureColumnRef feature : features) {
                writeFeature(out, feature, rowsByView.get(feature.index().view().name()), now);
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
        return bytes.buffer();
    }

    private static void writeFeature(JsonGenerator out, FeatureColumnRef feature, int[] rows, long now) throws IOException {
        OnlineIndex index = feature.index();
        LookupStatus[] statuses = new LookupStatus[rows.length];
        for (int e = 0; e < rows.length; e++) {
            int row = rows[e];
            LookupStatus status = row == EntityKeyIndex.ABSENT ? LookupStatus.NOT_FOUND : index.freshness(row, now);
            if (status == LookupStatus.PRESENT && index.column(feature.position()).isNull(row)) {
                status = LookupStatus.NULL_VALUE;
            }
            statuses[e] = status;
        }
        out.writeStartObject();
        out.writeFieldName(VALUES);
        out.writeStartArray();
        for (int e = 0; e < rows.length; e++) {
            if (statuses[e] == LookupStatus.PRESENT) {
                index.column(feature.position()).writeJson(rows[e], out);
            } else {
                out.writeNull();
            }
        }
        out.writeEndArray();
        out.writeFieldName(STATUSES);
        out.writeStartArray();
        for (LookupStatus status : statuses) {
            out.writeString(status.json());
        }
        out.writeEndArray();
        out.writeFieldName(EVENT_TIMESTAMPS);
        out.writeStartArray();
        for (int e = 0; e < rows.length; e++) {
            out.writeString(rows[e] == EntityKeyIndex.ABSENT ? EPOCH : EventTime.json(index.eventMicros(rows[e])));
        }
        out.writeEndArray();
        out.writeEndObject();
    }
}
