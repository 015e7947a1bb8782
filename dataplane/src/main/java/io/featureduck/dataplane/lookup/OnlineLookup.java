package io.featureduck.dataplane.lookup;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.RequestFieldSpec;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.FeatureServiceDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Answers an {@link OnlineRequest} from the served indexes: resolves the features (or the feature service), finds
 * each entity's row in each view, and computes the on-demand features from the rows and the request data. Pure
 * memory work, safe on the event loop; every error is a {@link FeatureDuckException} a client can act on.
 */
public final class OnlineLookup {
    private final OnlineViews views;
    private final Function<String, Optional<FeatureServiceDefinition>> services;

    public OnlineLookup(OnlineViews views, Function<String, Optional<FeatureServiceDefinition>> services) {
        this.views = views;
        this.services = services;
    }

    public OnlineViews views() {
        return views;
    }

    public OnlineAnswer answer(OnlineRequest request, Grant grant) {
        int entities = entityCount(request.entities());
        views.checkBatch(entities);
        Map<String, OnlineIndex> indexes = new LinkedHashMap<>();
        List<AnswerFeature> features = features(request, grant, indexes);
        long now = views.nowMicros();
        Map<String, int[]> rows = new LinkedHashMap<>();
        Map<String, LookupStatus[]> statuses = new LinkedHashMap<>();
        for (OnlineIndex index : indexes.values()) {
            int[] found = rows(index, request.entities(), entities);
            LookupStatus[] status = new LookupStatus[entities];
            for (int e = 0; e < entities; e++) {
                status[e] = views.status(index, found[e], now);
            }
            rows.put(index.view().name(), found);
            statuses.put(index.view().name(), status);
        }
        Object[][] computed = new Object[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            AnswerFeature feature = features.get(f);
            if (feature.isOnDemand()) {
                computed[f] = compute(feature, request.requestData(), entities, rows.get(feature.view()),
                        statuses.get(feature.view()));
            }
        }
        return new OnlineAnswer(features, indexes, rows, statuses, computed, entities, now);
    }

    private static int entityCount(RequestColumns entities) {
        if (entities.names().isEmpty()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "field 'entities' is required: join key names, "
                    + "each with a list of values, e.g. {\"driver_id\": [1001, 1002]}");
        }
        int size = -1;
        String first = null;
        for (String name : entities.names()) {
            int columnSize = entities.size(name);
            if (size >= 0 && columnSize != size) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "every entity column must have the same "
                        + "length; '" + name + "' has " + columnSize + " values, '" + first + "' " + size);
            }
            size = columnSize;
            first = first == null ? name : first;
        }
        return size;
    }

    private List<AnswerFeature> features(OnlineRequest request, Grant grant, Map<String, OnlineIndex> indexes) {
        List<FeatureRef> refs = refs(request);
        List<AnswerFeature> features = new ArrayList<>(refs.size());
        // This runs for every requested feature of every request: no capturing lambda or string building per feature.
        Set<FeatureRef> seen = new HashSet<>(2 * refs.size());
        Set<String> columns = new HashSet<>(2 * refs.size());
        for (FeatureRef ref : refs) {
            if (!seen.add(ref)) {
                throw new FeatureDuckException(ErrorCode.INVALID_FEATURE_REF, "feature '" + ref + "' is requested twice");
            }
            OnlineIndex index = indexes.get(ref.view());
            if (index == null) {
                index = views.index(ref.view(), grant);
                indexes.put(ref.view(), index);
            }
            String output = ref.outputName(request.fullNames());
            if (!columns.add(output)) {
                throw new FeatureDuckException(ErrorCode.INVALID_FEATURE_REF, "two requested features would both "
                        + "be answered as '" + output + "'; ask with full_feature_names to name them view__feature");
            }
            // Entity columns and features share the answer's column names: one name, one column.
            if (request.entities().has(output)) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "entities." + output + " has the name of a "
                        + "requested feature; rename it or ask for full_feature_names");
            }
            int position = index.featurePosition(ref.feature());
            if (position >= 0) {
                features.add(new AnswerFeature(index, ref.feature(), output,
                        index.view().features().get(position).type(), position, Optional.empty()));
            } else {
                OnlineIndex view = index;
                OnDemandFeature onDemand = index.view().onDemandFeature(ref.feature())
                        .orElseThrow(() -> OnlineViews.unknownFeature(view, ref.feature()));
                checkRequestData(index, onDemand, request.requestData());
                features.add(new AnswerFeature(index, ref.feature(), output, onDemand.type(), -1,
                        Optional.of(onDemand)));
            }
        }
        return features;
    }

    private List<FeatureRef> refs(OnlineRequest request) {
        if (request.featureService().isEmpty()) {
            if (request.features().isEmpty()) {
                throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "name the features: 'features' as view:feature "
                        + "references, or a 'feature_service'");
            }
            return request.features();
        }
        if (!request.features().isEmpty()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "give either 'features' or 'feature_service', "
                    + "not both");
        }
        String name = request.featureService().get();
        return services.apply(name).map(FeatureServiceDefinition::features).orElseThrow(() ->
                new FeatureDuckException(ErrorCode.UNKNOWN_FEATURE_SERVICE, "feature service '" + name
                        + "' is not served here; GET /v1/feature-services lists them"));
    }

    private static void checkRequestData(OnlineIndex index, OnDemandFeature feature, RequestColumns requestData) {
        for (String field : feature.requestFields()) {
            if (!requestData.has(field)) {
                throw new FeatureDuckException(ErrorCode.MISSING_REQUEST_DATA, "feature '" + index.view().name() + ":"
                        + feature.name() + "' needs request data '" + field + "' ("
                        + index.view().requestField(field).map(f -> f.type().wireName()).orElse("?")
                        + "), one value per entity");
            }
        }
    }

    private static int[] rows(OnlineIndex index, RequestColumns entities, int count) {
        List<EntitySpec> keys = index.view().entities();
        for (EntitySpec key : keys) {
            if (!entities.has(key.name())) {
                throw new FeatureDuckException(ErrorCode.MISSING_JOIN_KEY, "feature view '" + index.view().name()
                        + "' is keyed by " + index.view().entityNames() + " but 'entities' has no '" + key.name() + "'");
            }
        }
        int[] rows = new int[count];
        try {
            if (keys.size() == 1) {
                EntitySpec key = keys.get(0);
                for (int e = 0; e < count; e++) {
                    rows[e] = index.rowOf(entities.key(key.name(), e, key));
                }
            } else {
                for (int e = 0; e < count; e++) {
                    List<Object> parts = new ArrayList<>(keys.size());
                    for (EntitySpec key : keys) {
                        parts.add(entities.key(key.name(), e, key));
                    }
                    rows[e] = index.rowOf(List.copyOf(parts));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new FeatureDuckException(ErrorCode.WRONG_KEY_TYPE, e.getMessage());
        }
        return rows;
    }

    private static Object[] compute(AnswerFeature feature, RequestColumns requestData, int entities, int[] rows,
                                    LookupStatus[] statuses) {
        OnDemandFeature onDemand = feature.onDemand().orElseThrow();
        OnlineIndex index = feature.index();
        Map<String, RequestFieldSpec> fields = new LinkedHashMap<>();
        for (String field : onDemand.requestFields()) {
            fields.put(field, index.view().requestField(field).orElseThrow());
            if (requestData.size(field) != entities) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "request data '" + field + "' has "
                        + requestData.size(field) + " values for " + entities + " entities");
            }
        }
        Object[] values = new Object[entities];
        Map<String, Object> request = new HashMap<>();
        for (int e = 0; e < entities; e++) {
            // Request data is checked for every entity, found or not: a wrong type is the client's error either way.
            for (RequestFieldSpec field : fields.values()) {
                try {
                    request.put(field.name(), requestData.value(field.name(), e, field.type()));
                } catch (IllegalArgumentException bad) {
                    throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "request data '" + field.name() + "'["
                            + e + "]: " + bad.getMessage());
                }
            }
            // A row not found is NOT_FOUND: only a PRESENT status has a row to compute from.
            if (statuses[e] != LookupStatus.PRESENT) {
                continue;
            }
            int row = rows[e];
            values[e] = onDemand.evaluate(name -> index.value(index.featurePosition(name), row), request::get);
        }
        return values;
    }
}
