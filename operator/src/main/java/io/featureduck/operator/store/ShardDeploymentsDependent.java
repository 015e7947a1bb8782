package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.apps.Deployment;
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
 * One Deployment per shard of every layout a sharded store wants ({@link ShardLayouts}): during a reshard, the new
 * layout's beside the old one's, which are removed once the switch is made. Each is the store's data-plane pod told
 * its shard and its peers ({@link DataPlaneDeploymentDependent#shardDesired}).
 */
public final class ShardDeploymentsDependent extends CRUDKubernetesDependentResource<Deployment, FeatureStore>
        implements CRUDKubernetesBulkDependentResource<Deployment, FeatureStore>,
                KubernetesBulkDependentResource<Deployment, FeatureStore> {
    private final DataPlaneDeploymentDependent pods;

    /** @param pods the unsharded layout's Deployment dependent, whose pod each shard's Deployment runs */
    public ShardDeploymentsDependent(DataPlaneDeploymentDependent pods) {
        super(Deployment.class);
        this.pods = pods;
    }

    @Override
    public Map<ResourceID, Deployment> desiredResources(FeatureStore store, Context<FeatureStore> context) {
        boolean writable = DataPlaneDeploymentDependent.lakehouseWritable(store, context);
        Map<ResourceID, Deployment> desired = new LinkedHashMap<>();
        for (int count : ShardLayouts.of(store).wanted()) {
            if (count < 2) {
                continue;
            }
            for (int index = 0; index < count; index++) {
                Deployment deployment = pods.shardDesired(store, writable, index, count);
                desired.put(ResourceID.fromResource(deployment), deployment);
            }
        }
        return desired;
    }

    @Override
    public Predicate<Deployment> secondaryResourceFilter(FeatureStore store, Context<FeatureStore> context) {
        return deployment -> DataPlaneNames.storeOf(deployment)
                        .filter(store.getMetadata().getName()::equals)
                        .isPresent()
                && deployment.getMetadata().getLabels().containsKey(DataPlaneNames.SHARD_LABEL);
    }
}
