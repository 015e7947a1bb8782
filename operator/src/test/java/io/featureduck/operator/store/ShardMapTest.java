package io.featureduck.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.report.ViewsReport;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.StoreReports;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a reshard may switch clients, and whether a store's indexes fit its pods: pure decisions on observations. */
class ShardMapTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void clientsSwitchOnlyWhenEveryNewPodServesTheVersionsTheOldOnesServe() throws Exception {
        FeatureStore store = store(3, "2Gi");
        ShardLayouts layouts = new ShardLayouts(2, 3);
        List<Deployment> deployments = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            deployments.add(deployment(DataPlaneNames.shard(store, i, 3), 2));
        }
        assertThat(ShardMap.mayActivateTarget(store, layouts, deployments, reports(2, 4, 7, 3, 6, 7)))
                .isTrue();
        assertThat(ShardMap.mayActivateTarget(store, layouts, deployments, reports(2, 4, 7, 3, 6, 6)))
                .as("the new shards serve an older version")
                .isFalse();
        assertThat(ShardMap.mayActivateTarget(store, layouts, deployments, reports(2, 4, 7, 3, 5, 7)))
                .as("a new pod has not reported")
                .isFalse();
        List<Deployment> notReady = new ArrayList<>(deployments);
        notReady.set(1, deployment(DataPlaneNames.shard(store, 1, 3), 1));
        assertThat(ShardMap.mayActivateTarget(store, layouts, notReady, reports(2, 4, 7, 3, 6, 7)))
                .as("a new shard's pod is not ready")
                .isFalse();
        assertThat(ShardMap.mayActivateTarget(store, new ShardLayouts(3, 3), deployments, reports(2, 4, 7, 3, 6, 7)))
                .as("nothing to switch")
                .isFalse();
    }

    @Test
    void anIndexOverItsShareOfTheHeapNamesTheShardCountThatWouldFit() throws Exception {
        // A 2 GiB pod gets a 1 GiB heap; indexes may take 60% of it.
        FeatureStore store = store(1, "2Gi");
        StoreReports unsharded = new StoreReports(List.of(pod(900L << 20, false)), List.of(1));
        FeatureStoreStatus.MemoryStatus memory =
                ShardMap.memory(store, 1, unsharded).orElseThrow();
        assertThat(memory.heapBytes()).isEqualTo(1L << 30);
        assertThat(memory.fits()).isFalse();
        assertThat(memory.shardsToFit()).isEqualTo(2);
        assertThat(memory.message()).contains("900 MiB", "1024 MiB heap", "spec.dataPlane.shards: 2 would fit");

        StoreReports small = new StoreReports(List.of(pod(300L << 20, false)), List.of(1));
        assertThat(ShardMap.memory(store, 1, small).orElseThrow().fits()).isTrue();
        assertThat(ShardMap.memory(store, 1, new StoreReports(List.of())))
                .as("nothing reported yet")
                .isEmpty();
    }

    private static FeatureStore store(int shards, String memory) {
        DataPlaneSpec dataPlane = new DataPlaneSpec(
                2,
                null,
                new DataPlaneSpec.ResourcesSpec(null, null, null, memory),
                null,
                null,
                null,
                DataPlaneSpec.AuthSpec.NONE,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                shards,
                null);
        FeatureStore store = FeatureStore.of(
                "drivers", new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, "/lake", null), dataPlane));
        store.getMetadata().setNamespace("features");
        return store;
    }

    private static Deployment deployment(String name, int ready) {
        return new DeploymentBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(name)
                        .withGeneration(1L)
                        .build())
                .withNewStatus()
                .withObservedGeneration(1L)
                .withReadyReplicas(ready)
                .withUpdatedReplicas(2)
                .endStatus()
                .build();
    }

    /** {@code oldPods} pods of a layout of {@code oldShards} at {@code oldVersion}, then the same of the new one. */
    private static StoreReports reports(
            int oldShards, int oldPods, long oldVersion, int newShards, int newPods, long newVersion) throws Exception {
        List<DataPlaneClient.PodAnswer> pods = new ArrayList<>();
        List<Integer> layouts = new ArrayList<>();
        for (int i = 0; i < oldPods; i++) {
            pods.add(view(oldVersion));
            layouts.add(oldShards);
        }
        for (int i = 0; i < newPods; i++) {
            pods.add(view(newVersion));
            layouts.add(newShards);
        }
        return new StoreReports(pods, layouts);
    }

    private static DataPlaneClient.PodAnswer view(long version) throws Exception {
        return new DataPlaneClient.Reports(JSON.readValue(
                "{\"views\": [{\"name\": \"driver-stats\", \"online\": true, \"table_version\": " + version + "}]}",
                ViewsReport.class));
    }

    private static DataPlaneClient.PodAnswer pod(long indexBytes, boolean sharded) throws Exception {
        return new DataPlaneClient.Reports(JSON.readValue(
                "{\"views\": [{\"name\": \"driver-stats\", \"online\": true, \"table_version\": 3,"
                        + " \"index_value_bytes\": " + indexBytes
                        + (sharded ? ", \"shard\": {\"of\": \"0/2\"}" : "") + "}]}",
                ViewsReport.class));
    }
}
