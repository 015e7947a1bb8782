package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.featureduck.crds.FeatureStore;
import io.featureduck.operator.dataplane.DataPlaneNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * How far the Deployments of one layout (the unsharded Deployment, or one per shard) have rolled out, summed: pods
 * wanted, ready and updated, whether every Deployment has seen its current spec, and the first that is stuck.
 *
 * @param deployments the layout's Deployments that exist, by shard
 * @param wanted      pods wanted across the layout
 * @param ready       pods ready
 * @param updated     pods of the current template
 * @param current     every Deployment of the layout exists and its controller has seen its current spec
 * @param stuck       a Deployment whose rollout stopped progressing, and why
 */
public record LayoutRollout(
        List<Deployment> deployments, int wanted, int ready, int updated, boolean current, Optional<Stuck> stuck) {
    /** A Deployment whose rollout stopped: its name and the condition saying so. */
    public record Stuck(String deployment, DeploymentCondition condition) {}

    /** The rollout of the layout of {@code shards} among the store's Deployments. */
    public static LayoutRollout of(FeatureStore store, int shards, Collection<Deployment> all) {
        int replicas = store.getSpec().effectiveDataPlane().effectiveReplicas();
        List<String> names = new ArrayList<>();
        if (shards == 1) {
            names.add(DataPlaneNames.dataPlane(store));
        } else {
            for (int index = 0; index < shards; index++) {
                names.add(DataPlaneNames.shard(store, index, shards));
            }
        }
        List<Deployment> deployments = new ArrayList<>();
        int ready = 0;
        int updated = 0;
        boolean current = true;
        Optional<Stuck> stuck = Optional.empty();
        for (String name : names) {
            Optional<Deployment> found = all.stream()
                    .filter(d -> name.equals(d.getMetadata().getName()))
                    .findFirst();
            if (found.isEmpty()) {
                current = false;
                continue;
            }
            Deployment deployment = found.get();
            deployments.add(deployment);
            DeploymentStatus status = deployment.getStatus();
            ready += status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
            updated += status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
            current &= status != null
                    && status.getObservedGeneration() != null
                    && status.getObservedGeneration()
                            >= deployment.getMetadata().getGeneration();
            if (stuck.isEmpty() && status != null && status.getConditions() != null) {
                stuck = status.getConditions().stream()
                        .filter(c ->
                                ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason()))
                                        || ("ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())))
                        .findFirst()
                        .map(c -> new Stuck(name, c));
            }
        }
        return new LayoutRollout(deployments, replicas * shards, ready, updated, current, stuck);
    }

    /** Every Deployment of the layout runs its current template with every pod ready. */
    public boolean rolledOut() {
        return current && updated >= wanted && ready >= wanted;
    }
}
