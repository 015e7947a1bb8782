package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
 * A headless Service per shard: its name resolves to the ready pods of that shard, which is how a data-plane pod
 * finds the replicas of the shard owning a key (and its own siblings, to refresh them after a push). Only the gRPC
 * port: the shards' protocol runs there.
 */
public final class ShardServicesDependent extends CRUDKubernetesDependentResource<Service, FeatureStore>
        implements CRUDKubernetesBulkDependentResource<Service, FeatureStore>,
                KubernetesBulkDependentResource<Service, FeatureStore> {
    public ShardServicesDependent() {
        super(Service.class);
    }

    @Override
    public Map<ResourceID, Service> desiredResources(FeatureStore store, Context<FeatureStore> context) {
        Map<ResourceID, Service> desired = new LinkedHashMap<>();
        for (int count : ShardLayouts.of(store).wanted()) {
            for (int index = 0; count > 1 && index < count; index++) {
                Service service = new ServiceBuilder()
                        .withMetadata(DataPlaneNames.shardMetadata(store, index, count))
                        .withNewSpec()
                        .withClusterIP("None")
                        .withSelector(DataPlaneNames.shardSelector(store, index, count))
                        .addToPorts(DataPlaneServiceDependent.grpcPort(store))
                        .endSpec()
                        .build();
                desired.put(ResourceID.fromResource(service), service);
            }
        }
        return desired;
    }

    @Override
    public Predicate<Service> secondaryResourceFilter(FeatureStore store, Context<FeatureStore> context) {
        return service -> DataPlaneNames.storeOf(service)
                        .filter(store.getMetadata().getName()::equals)
                        .isPresent()
                && service.getMetadata().getLabels().containsKey(DataPlaneNames.SHARD_LABEL);
    }
}
