package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.featureduck.crds.FeatureStore;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A disruption budget per shard of several replicas: a node drain takes at most one pod of each shard, so the other
 * replicas keep answering for its keys. A shard of one replica gets none (it would block every drain).
 */
public final class ShardDisruptionBudgetsDependent
        extends CRUDKubernetesDependentResource<PodDisruptionBudget, FeatureStore>
        implements CRUDKubernetesBulkDependentResource<PodDisruptionBudget, FeatureStore>,
                KubernetesBulkDependentResource<PodDisruptionBudget, FeatureStore> {
    public ShardDisruptionBudgetsDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    public Map<ResourceID, PodDisruptionBudget> desiredResources(FeatureStore store, Context<FeatureStore> context) {
        Map<ResourceID, PodDisruptionBudget> desired = new LinkedHashMap<>();
        if (store.getSpec().effectiveDataPlane().effectiveReplicas() < 2) {
            return desired;
        }
        for (int count : ShardLayouts.of(store).wanted()) {
            for (int index = 0; count > 1 && index < count; index++) {
                PodDisruptionBudget budget = new PodDisruptionBudgetBuilder()
                        .withMetadata(DataPlaneNames.shardMetadata(store, index, count))
                        .withNewSpec()
                        .withMaxUnavailable(new IntOrString(1))
                        .withNewSelector()
                        .withMatchLabels(DataPlaneNames.shardSelector(store, index, count))
                        .endSelector()
                        .endSpec()
                        .build();
                desired.put(ResourceID.fromResource(budget), budget);
            }
        }
        return desired;
    }

    @Override
    public Predicate<PodDisruptionBudget> secondaryResourceFilter(FeatureStore store, Context<FeatureStore> context) {
        return budget -> DataPlaneNames.storeOf(budget)
                        .filter(store.getMetadata().getName()::equals)
                        .isPresent()
                && budget.getMetadata().getLabels().containsKey(DataPlaneNames.SHARD_LABEL);
    }
}
