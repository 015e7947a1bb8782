package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus.MemoryStatus;
import io.featureduck.crds.FeatureStoreStatus.ShardStatus;
import io.featureduck.crds.ShardSlots;
import io.featureduck.crds.report.ViewReport;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.StoreReports;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sharded store's placement, as pure functions of what the operator observes: the shard map for status, when a
 * reshard may switch clients to the new layout, and whether the indexes fit the pods' memory.
 */
final class ShardMap {
    /** Of a pod's heap, what its indexes may take: a refresh holds a view's old and new index at once. */
    static final double HEAP_SHARE_FOR_INDEXES = 0.6;

    private ShardMap() {}

    /** Every shard of the layouts the store wants, the active layout's first. */
    static List<ShardStatus> of(FeatureStore store, ShardLayouts layouts, Collection<Deployment> deployments) {
        List<ShardStatus> map = new ArrayList<>();
        List<Integer> counts = new ArrayList<>(List.of(layouts.active()));
        if (layouts.resharding()) {
            counts.add(layouts.target());
        }
        for (int count : counts) {
            if (count < 2) {
                continue;
            }
            for (int index = 0; index < count; index++) {
                String name = DataPlaneNames.shard(store, index, count);
                Optional<Deployment> deployment = deployments.stream()
                        .filter(d -> name.equals(d.getMetadata().getName()))
                        .findFirst();
                int first = ShardSlots.first(index, count);
                int end = ShardSlots.end(index, count);
                map.add(new ShardStatus(
                        index + "/" + count,
                        name,
                        first + "-" + (end - 1),
                        count == layouts.active(),
                        store.getSpec().effectiveDataPlane().effectiveReplicas(),
                        deployment
                                .map(d -> d.getStatus() == null || d.getStatus().getReadyReplicas() == null
                                        ? 0
                                        : d.getStatus().getReadyReplicas())
                                .orElse(0)));
            }
        }
        return map;
    }

    /**
     * Whether clients may be switched to the layout being brought up: every pod of it is ready on the current
     * template, and its pods serve every view at exactly the table versions the active layout's pods serve, so the
     * switch never changes an answer.
     */
    static boolean mayActivateTarget(
            FeatureStore store, ShardLayouts layouts, Collection<Deployment> deployments, StoreReports reports) {
        if (!layouts.resharding()
                || !LayoutRollout.of(store, layouts.target(), deployments).rolledOut()) {
            return false;
        }
        int replicas = store.getSpec().effectiveDataPlane().effectiveReplicas();
        if (reports.of(layouts.target(), layouts.active()).size() < replicas * layouts.target()) {
            return false;
        }
        Map<String, Set<Long>> target = reports.versions(layouts.target(), layouts.active());
        Map<String, Set<Long>> active = reports.versions(layouts.active(), layouts.active());
        return target != null
                && active != null
                && !target.isEmpty()
                && target.equals(active)
                && target.values().stream().allMatch(versions -> versions.size() == 1);
    }

    /**
     * The largest index one pod of the active layout holds against the heap its memory limit gives it, and the shard
     * count that would bring it under {@link #HEAP_SHARE_FOR_INDEXES} of the heap; empty before any pod reports.
     */
    static Optional<MemoryStatus> memory(FeatureStore store, int active, StoreReports reports) {
        long largest = -1;
        long largestSplit = 0;
        long largestWhole = 0;
        for (DataPlaneClient.PodAnswer pod : reports.of(active, active)) {
            if (!(pod instanceof DataPlaneClient.Reports answer)) {
                continue;
            }
            long split = 0;
            long whole = 0;
            for (ViewReport view : answer.report().views()) {
                long bytes = view.indexValueBytes() == null ? 0 : view.indexValueBytes();
                // An unsharded store holds every view whole; a shard, only those under replicateBelowRows.
                if (view.shard() != null || active == 1) {
                    split += bytes;
                } else {
                    whole += bytes;
                }
            }
            if (split + whole > largest) {
                largest = split + whole;
                largestSplit = split;
                largestWhole = whole;
            }
        }
        if (largest < 0) {
            return Optional.empty();
        }
        DataPlaneSpec dataPlane = store.getSpec().effectiveDataPlane();
        if (dataPlane.resources() == null || dataPlane.resources().memoryLimit() == null) {
            return Optional.of(new MemoryStatus(
                    largest,
                    null,
                    null,
                    null,
                    "a pod holds " + mib(largest) + " of index values; set spec.dataPlane.resources.memoryLimit to"
                            + " have it checked against the heap"));
        }
        long heap = Quantity.getAmountInBytes(new Quantity(dataPlane.resources().memoryLimit()))
                        .longValue()
                * DataPlaneSpec.HEAP_PERCENT
                / 100;
        long budget = (long) (heap * HEAP_SHARE_FOR_INDEXES);
        long total = largestSplit * active;
        int shards = active;
        while (shards < DataPlaneSpec.MAX_SHARDS && total / shards + largestWhole > budget) {
            shards++;
        }
        boolean fits = largest <= budget;
        String message = fits
                ? "the largest pod holds " + mib(largest) + " of index values in a " + mib(heap) + " heap"
                : "the largest pod holds " + mib(largest) + " of index values, over "
                        + (int) (HEAP_SHARE_FOR_INDEXES * 100) + "% of its " + mib(heap) + " heap (a refresh holds a"
                        + " view twice): "
                        + (total / shards + largestWhole <= budget
                                ? "spec.dataPlane.shards: " + shards + " would fit"
                                : "even " + DataPlaneSpec.MAX_SHARDS + " shards would not; raise the memory limit");
        return Optional.of(new MemoryStatus(largest, heap, fits, shards, message));
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
