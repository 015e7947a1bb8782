package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.ServiceAssignment;
import io.featureduck.operator.dataplane.ViewAssignment;
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
        var views = ViewAssignment.servedBy(store, context.getSecondaryResources(FeatureView.class));
        var services = ServiceAssignment.servedBy(store, context.getSecondaryResources(FeatureService.class), views);
        return new ConfigMapBuilder()
                .withMetadata(DataPlaneNames.metadata(store, DataPlaneNames.servingConfig(store)))
                .withData(Map.of(DataPlaneNames.CONFIG_FILE, renderer.render(store, views, services)))
                .build();
    }
}
