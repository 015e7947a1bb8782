package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.featureduck.crds.FeatureStore;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Keeps node drains from taking more than one data-plane pod at a time. Only for stores with several replicas: with
 * one, a budget would block every drain, so the workflow deletes it (see {@link MultipleReplicas}).
 */
public final class DataPlaneDisruptionBudgetDependent
        extends CRUDKubernetesDependentResource<PodDisruptionBudget, FeatureStore> {
    public DataPlaneDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(FeatureStore store, Context<FeatureStore> context) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(DataPlaneNames.metadata(store, DataPlaneNames.dataPlane(store)))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(DataPlaneNames.selector(store))
                .endSelector()
                .endSpec()
                .build();
    }

    /** The budget exists only while the store asks for more than one replica of its unsharded layout. */
    public static final class MultipleReplicas implements Condition<PodDisruptionBudget, FeatureStore> {
        @Override
        public boolean isMet(
                DependentResource<PodDisruptionBudget, FeatureStore> dependent,
                FeatureStore store,
                Context<FeatureStore> context) {
            return store.getSpec().effectiveDataPlane().effectiveReplicas() > 1
                    && ShardLayouts.of(store).wants(1);
        }
    }
}
