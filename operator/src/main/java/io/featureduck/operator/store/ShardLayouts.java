package io.featureduck.operator.store;

import io.featureduck.crds.FeatureStore;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.Set;

/**
 * The shard layouts a store wants: the one its Service routes clients to ({@code status.activeShards}), and the one
 * {@code spec.dataPlane.shards} asks for. They differ while a reshard brings the new layout up beside the old; the
 * switch ({@link ShardMap#mayActivateTarget}) makes the new one active, and the old one's objects are then removed.
 *
 * @param active the shard count clients are routed to
 * @param target the shard count the spec asks for
 */
public record ShardLayouts(int active, int target) {
    public static ShardLayouts of(FeatureStore store) {
        int target = store.getSpec().effectiveDataPlane().effectiveShards();
        Integer active = store.getStatus() == null ? null : store.getStatus().activeShards();
        return new ShardLayouts(active == null ? target : active, target);
    }

    /** Every layout whose objects should exist. */
    public Set<Integer> wanted() {
        return active == target ? Set.of(active) : Set.of(active, target);
    }

    public boolean wants(int count) {
        return count == active || count == target;
    }

    public boolean resharding() {
        return active != target;
    }

    /** A dependent of the unsharded layout exists only while the store wants that layout. */
    public static final class UnshardedWanted<R> implements Condition<R, FeatureStore> {
        @Override
        public boolean isMet(
                DependentResource<R, FeatureStore> dependent, FeatureStore store, Context<FeatureStore> context) {
            return of(store).wants(1);
        }
    }
}
