package io.featureduck.operator.store;

import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.admission.Admission;
import io.featureduck.operator.dataplane.ViewAssignment;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The admission of a store's definitions for one reconcile: computed once by {@link FeatureStoreReconciler} and kept in
 * the reconcile's context, where the ConfigMap and Deployment dependents read it instead of admitting every view again.
 */
final class CurrentAdmission {
    private static final String KEY = CurrentAdmission.class.getName();

    private CurrentAdmission() {}

    /** Admits the store's views and services from the informers' caches, and keeps the result for the dependents. */
    static Admission compute(FeatureStore store, Context<FeatureStore> context) {
        Admission admission = ViewAssignment.admit(
                store,
                context.getSecondaryResources(FeatureView.class),
                context.getSecondaryResources(FeatureService.class));
        context.managedWorkflowAndDependentResourceContext().put(KEY, admission);
        return admission;
    }

    /** This reconcile's admission; computed here when a dependent runs on its own (in a test, say). */
    static Admission of(FeatureStore store, Context<FeatureStore> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .get(KEY, Admission.class)
                .orElseGet(() -> compute(store, context));
    }
}
