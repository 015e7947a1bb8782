package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.admission.Admission;
import io.featureduck.crds.admission.AdmittedView;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.ServiceAssignment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.Map;

/**
 * The ConfigMap holding a store's serving configuration, mounted into its data-plane pods. A view or feature service
 * added, changed or removed changes only this object: the pods reload it in place, without a rollout.
 */
public final class ServingConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, FeatureStore> {
    private final ServingConfigRenderer renderer = new ServingConfigRenderer();

    public ServingConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(FeatureStore store, Context<FeatureStore> context) {
        // The data plane admits the file again, with the same admission: what is written here, it serves.
        Admission admission = CurrentAdmission.of(store, context);
        var views = admission.views().stream().map(AdmittedView::view).toList();
        var services = ServiceAssignment.servedBy(admission);
        return new ConfigMapBuilder()
                .withMetadata(DataPlaneNames.metadata(store, DataPlaneNames.servingConfig(store)))
                .withData(Map.of(DataPlaneNames.CONFIG_FILE, renderer.render(store, views, services)))
                .build();
    }
}
