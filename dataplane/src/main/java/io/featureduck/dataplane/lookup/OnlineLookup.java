package io.featureduck.dataplane.lookup;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.RequestFieldSpec;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.FeatureServiceDefinition;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.ondemand.EvaluationBudget;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.ondemand.OnDemandLimits;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EntityKeys;
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
    private final FeaturePlans plans = new FeaturePlans();
    private final OnDemandLimits limits;

    /** @param limits how much evaluation the on-demand features of one request may take */
    public OnlineLookup(
            OnlineViews views, Function<String, Optional<FeatureServiceDefinition>> services, OnDemandLimits limits) {
        this.views = views;
        this.services = services;
        this.limits = limits;
    }

    public OnlineViews views() {
        return views;
    }

    public OnlineAnswer answer(OnlineRequest request, Grant grant) {
        return answer(request, grant, Map.of());
    }

    /**
     * The answer from {@code assembled} for the views it names (indexes holding the request's keys from several
     * shards, {@code online/AssembledIndex}) and from the served indexes for the others.
     */
    public OnlineAnswer answer(OnlineRequest request, Grant grant, Map<String, OnlineIndex> assembled) {
        // The features first: an unknown view or feature is named whatever else is wrong with the request.
        FeaturePlan plan = plan(request, grant);
        int entities = entityCount(request.entities());
        views.checkBatch(entities);
        OnlineIndex[] indexes = bind(plan, grant, assembled);
        if (indexes == null) {
            // A view was redefined since the list was planned (a configuration reload): plan it again.
            plan = resolve(refs(request), request.fullNames(), grant);
            remember(request, plan);
            indexes = bind(plan, grant, assembled);
            if (indexes == null) {
                throw new FeatureDuckException(
                        ErrorCode.VIEW_NOT_READY, "the served views changed while answering; " + "retry");
            }
        }
        checkAgainstRequest(plan, indexes, request);
        long now = views.nowMicros();
        int[][] rows = new int[indexes.length][];
        LookupStatus[][] statuses = new LookupStatus[indexes.length][];
        for (int slot = 0; slot < indexes.length; slot++) {
            OnlineIndex index = indexes[slot];
            int[] found = rows(index, request.entities(), entities);
            LookupStatus[] status = new LookupStatus[entities];
            for (int e = 0; e < entities; e++) {
                status[e] = views.status(index, found[e], now);
            }
            rows[slot] = found;
            statuses[slot] = status;
        }
        List<AnswerFeature> features = plan.features();
        Object[][] computed = null;
        EvaluationBudget budget = null;
        for (int f = 0; f < features.size(); f++) {
            AnswerFeature feature = features.get(f);
            if (feature.isAggregate()) {
                computed = computed == null ? new Object[features.size()][] : computed;
                computed[f] = aggregate(feature, indexes[feature.viewSlot()], rows[feature.viewSlot()], now);
            } else if (feature.isOnDemand()) {
                computed = computed == null ? new Object[features.size()][] : computed;
                budget = budget == null ? limits.budget() : budget;
                computed[f] = compute(
                        feature,
                        indexes[feature.viewSlot()],
                        request.requestData(),
                        entities,
                        rows[feature.viewSlot()],
                        statuses[feature.viewSlot()],
                        budget,
                        now);
            }
        }
        return new OnlineAnswer(plan, indexes, rows, statuses, computed, entities, now);
    }

    /** How many entities a request names; every entity column must name as many. */
    public static int entityCount(RequestColumns entities) {
        if (entities.names().isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_FIELD,
                    "field 'entities' is required: join key names, "
                            + "each with a list of values, e.g. {\"driver_id\": [1001, 1002]}");
        }
        int size = -1;
        String first = null;
        for (String name : entities.names()) {
            int columnSize = entities.size(name);
            if (size >= 0 && columnSize != size) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD,
                        "every entity column must have the same " + "length; '" + name + "' has " + columnSize
                                + " values, '" + first + "' " + size);
            }
            size = columnSize;
            first = first == null ? name : first;
        }
        return size;
    }

    /**
     * The plan of the request's features: cached by the list as sent (or by the feature service). Checks that the
     * caller may read every view it names.
     */
    public FeaturePlan plan(OnlineRequest request, Grant grant) {
        FeaturePlan plan;
        if (request.featureService().isEmpty() || !request.features().isEmpty()) {
            plan = request.featureService().isEmpty() ? plans.get(request.features(), request.fullNames()) : null;
        } else {
            plan = service(request)
                    .map(service -> plans.get(service, request.fullNames()))
                    .orElse(null);
        }
        if (plan == null) {
            plan = resolve(refs(request), request.fullNames(), grant);
            remember(request, plan);
        }
        return plan;
    }

    private void remember(OnlineRequest request, FeaturePlan plan) {
        if (request.featureService().isEmpty()) {
            plans.put(request.features(), request.fullNames(), plan);
        } else {
            service(request).ifPresent(service -> plans.put(service, request.fullNames(), plan));
        }
    }

    /**
     * The indexes the plan reads, for a caller {@code grant} allows to read them; null when a view's definition is
     * no longer the one planned against.
     */
    private OnlineIndex[] bind(FeaturePlan plan, Grant grant, Map<String, OnlineIndex> assembled) {
        OnlineIndex[] indexes = new OnlineIndex[plan.views().size()];
        for (int slot = 0; slot < indexes.length; slot++) {
            String name = plan.views().get(slot);
            OnlineIndex served = views.index(name, grant);
            indexes[slot] = assembled.getOrDefault(name, served);
            if (indexes[slot].view() != plan.definitions().get(slot)) {
                return null;
            }
        }
        return indexes;
    }

    /** Resolves references against the served views; every error is the client's, named. */
    private FeaturePlan resolve(List<FeatureRef> refs, boolean fullNames, Grant grant) {
        List<AnswerFeature> features = new ArrayList<>(refs.size());
        Map<String, Integer> slots = new LinkedHashMap<>();
        List<OnlineIndex> indexes = new ArrayList<>();
        Set<FeatureRef> seen = new HashSet<>(2 * refs.size());
        Set<String> columns = new HashSet<>(2 * refs.size());
        for (FeatureRef ref : refs) {
            if (!seen.add(ref)) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FEATURE_REF, "feature '" + ref + "' is requested twice");
            }
            Integer slot = slots.get(ref.view());
            if (slot == null) {
                slot = indexes.size();
                indexes.add(views.index(ref.view(), grant));
                slots.put(ref.view(), slot);
            }
            OnlineIndex index = indexes.get(slot);
            String output = ref.outputName(fullNames);
            if (!columns.add(output)) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FEATURE_REF,
                        "two requested features would both " + "be answered as '" + output
                                + "'; ask with full_feature_names to name them view__feature");
            }
            int position = index.featurePosition(ref.feature());
            int aggregate = index.view().aggregations().position(ref.feature());
            if (position >= 0) {
                features.add(new AnswerFeature(
                        slot,
                        ref.view(),
                        ref.feature(),
                        output,
                        index.view().features().get(position).type(),
                        position,
                        Optional.empty(),
                        -1));
            } else if (aggregate >= 0) {
                features.add(new AnswerFeature(
                        slot,
                        ref.view(),
                        ref.feature(),
                        output,
                        index.view().aggregations().features().get(aggregate).type(),
                        -1,
                        Optional.empty(),
                        aggregate));
            } else {
                OnDemandFeature onDemand = index.view()
                        .onDemandFeature(ref.feature())
                        .orElseThrow(() -> OnlineViews.unknownFeature(index, ref.feature()));
                features.add(new AnswerFeature(
                        slot, ref.view(), ref.feature(), output, onDemand.type(), -1, Optional.of(onDemand), -1));
            }
        }
        return new FeaturePlan(
                List.copyOf(slots.keySet()),
                indexes.stream().map(OnlineIndex::view).toList(),
                features,
                columns);
    }

    /** What depends on the request beyond its feature list: entity column names and request data. */
    private static void checkAgainstRequest(FeaturePlan plan, OnlineIndex[] indexes, OnlineRequest request) {
        // Entity columns and features share the answer's column names: one name, one column.
        for (String name : request.entities().names()) {
            if (plan.hasOutputName(name)) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD,
                        "entities." + name + " has the name of a "
                                + "requested feature; rename it or ask for full_feature_names");
            }
        }
        for (AnswerFeature feature : plan.features()) {
            if (feature.isOnDemand()) {
                checkRequestData(indexes[feature.viewSlot()], feature.onDemand().get(), request.requestData());
            }
        }
    }

    private Optional<FeatureServiceDefinition> service(OnlineRequest request) {
        return request.featureService().flatMap(services);
    }

    private List<FeatureRef> refs(OnlineRequest request) {
        if (request.featureService().isEmpty()) {
            if (request.features().isEmpty()) {
                throw new FeatureDuckException(
                        ErrorCode.MISSING_FIELD,
                        "name the features: 'features' as view:feature " + "references, or a 'feature_service'");
            }
            return request.features().refs();
        }
        if (!request.features().isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD, "give either 'features' or 'feature_service', " + "not both");
        }
        String name = request.featureService().get();
        return services.apply(name)
                .map(FeatureServiceDefinition::features)
                .orElseThrow(() -> new FeatureDuckException(
                        ErrorCode.UNKNOWN_FEATURE_SERVICE,
                        "feature service '" + name + "' is not served here; GET /v1/feature-services lists them"));
    }

    private static void checkRequestData(OnlineIndex index, OnDemandFeature feature, RequestColumns requestData) {
        for (String field : feature.requestFields()) {
            if (!requestData.has(field)) {
                throw new FeatureDuckException(
                        ErrorCode.MISSING_REQUEST_DATA,
                        "feature '" + index.view().name() + ":"
                                + feature.name() + "' needs request data '" + field + "' ("
                                + index.view()
                                        .requestField(field)
                                        .map(f -> f.type().wireName())
                                        .orElse("?")
                                + "), one value per entity");
            }
        }
    }

    private static int[] rows(OnlineIndex index, RequestColumns entities, int count) {
        List<EntitySpec> keys = requireKeys(index.view(), entities);
        int[] rows = new int[count];
        try {
            if (keys.size() == 1 && EntityKeys.isLong(keys.get(0).type())) {
                EntitySpec key = keys.get(0);
                for (int e = 0; e < count; e++) {
                    rows[e] = index.rowOf(entities.longKey(key.name(), e, key));
                }
            } else {
                for (int e = 0; e < count; e++) {
                    rows[e] = index.rowOf(key(keys, entities, e));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new FeatureDuckException(ErrorCode.WRONG_KEY_TYPE, e.getMessage());
        }
        return rows;
    }

    /**
     * The request's keys for {@code view} in canonical form ({@code online/EntityKeys}), one per entity: a
     * {@code Long} or {@code String} for a key of one column, a list for a composite key.
     *
     * @throws FeatureDuckException a join key is missing or of the wrong type
     */
    public static Object[] keys(ViewDefinition view, RequestColumns entities, int count) {
        List<EntitySpec> keys = requireKeys(view, entities);
        Object[] canonical = new Object[count];
        try {
            for (int e = 0; e < count; e++) {
                canonical[e] = key(keys, entities, e);
            }
        } catch (IllegalArgumentException e) {
            throw new FeatureDuckException(ErrorCode.WRONG_KEY_TYPE, e.getMessage());
        }
        return canonical;
    }

    private static List<EntitySpec> requireKeys(ViewDefinition view, RequestColumns entities) {
        List<EntitySpec> keys = view.entities();
        for (EntitySpec key : keys) {
            if (!entities.has(key.name())) {
                throw new FeatureDuckException(
                        ErrorCode.MISSING_JOIN_KEY,
                        "feature view '" + view.name() + "' is keyed by " + view.entityNames()
                                + " but 'entities' has no '" + key.name() + "'");
            }
        }
        return keys;
    }

    private static Object key(List<EntitySpec> keys, RequestColumns entities, int e) {
        if (keys.size() == 1) {
            return entities.key(keys.get(0).name(), e, keys.get(0));
        }
        List<Object> parts = new ArrayList<>(keys.size());
        for (EntitySpec key : keys) {
            parts.add(entities.key(key.name(), e, key));
        }
        return List.copyOf(parts);
    }

    /** An aggregated feature's value for every entity found, as of {@code nowMicros}. */
    private static Object[] aggregate(AnswerFeature feature, OnlineIndex index, int[] rows, long nowMicros) {
        Object[] values = new Object[rows.length];
        for (int e = 0; e < rows.length; e++) {
            if (rows[e] != EntityKeyIndex.ABSENT && !index.unavailable(rows[e])) {
                values[e] = index.aggregate(feature.aggregate(), rows[e], nowMicros);
            }
        }
        return values;
    }

    private static Object[] compute(
            AnswerFeature feature,
            OnlineIndex index,
            RequestColumns requestData,
            int entities,
            int[] rows,
            LookupStatus[] statuses,
            EvaluationBudget budget,
            long nowMicros) {
        OnDemandFeature onDemand = feature.onDemand().orElseThrow();
        Map<String, RequestFieldSpec> fields = new LinkedHashMap<>();
        for (String field : onDemand.requestFields()) {
            fields.put(field, index.view().requestField(field).orElseThrow());
            if (requestData.size(field) != entities) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD,
                        "request data '" + field + "' has " + requestData.size(field) + " values for " + entities
                                + " entities");
            }
        }
        Object[] values = new Object[entities];
        Map<String, Object> request = new HashMap<>();
        for (int e = 0; e < entities; e++) {
            // Request data is checked for every entity, found or not: a wrong type is the client's error either way.
            for (RequestFieldSpec field : fields.values()) {
                try {
                    Object value = requestData.value(field.name(), e, field.type());
                    budget.checkValue(field.name(), e, value);
                    request.put(field.name(), value);
                } catch (IllegalArgumentException bad) {
                    throw new FeatureDuckException(
                            ErrorCode.INVALID_FIELD,
                            "request data '" + field.name() + "'[" + e + "]: " + bad.getMessage());
                }
            }
            // A row not found is NOT_FOUND: only a PRESENT status has a row to compute from.
            if (statuses[e] != LookupStatus.PRESENT) {
                continue;
            }
            int row = rows[e];
            values[e] = onDemand.evaluate(name -> index.input(name, row, nowMicros), request::get, budget);
        }
        return values;
    }
}
