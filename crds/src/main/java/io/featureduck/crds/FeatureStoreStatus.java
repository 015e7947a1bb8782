package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator last saw of a FeatureStore: its data plane's rollout and the views assigned to it.
 *
 * @param observedGeneration the spec generation this status describes
 * @param conditions         {@code Ready}, {@code Progressing} and {@code Degraded}
 * @param replicas           data-plane pods wanted
 * @param readyReplicas      data-plane pods ready to serve
 * @param viewCount          number of FeatureViews assigned
 * @param views              names of the FeatureViews assigned, sorted
 * @param endpoint           base URL of the data plane inside the cluster
 * @param refusedViews       FeatureViews naming the store that admission refused, each with why; they are not served
 * @param activeShards       the shard count clients are routed to; differs from {@code spec.dataPlane.shards} while
 *                           a new layout is brought up beside it
 * @param shards             the shard map: each shard of the active layout (and of the one coming up), its workload and
 *                           slots
 * @param memory             the largest index a pod holds against its heap, and the shard count that would fit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureStoreStatus(
        @JsonPropertyDescription("The spec generation this status describes")
        Long observedGeneration,

        @JsonPropertyDescription("Ready, Progressing and Degraded")
        List<Condition> conditions,

        @JsonPropertyDescription("Data-plane pods wanted") Integer replicas,

        @JsonPropertyDescription("Data-plane pods ready to serve")
        Integer readyReplicas,

        @JsonPropertyDescription("Number of FeatureViews assigned")
        Integer viewCount,

        @JsonPropertyDescription("FeatureViews assigned, sorted by name")
        List<String> views,

        @JsonPropertyDescription("Base URL of the data plane inside the cluster")
        String endpoint,

        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonPropertyDescription("FeatureViews naming this store that are not served, each with why")
        List<RefusedView> refusedViews,

        @JsonPropertyDescription("The shard count clients are routed to; while spec.dataPlane.shards differs, the new"
                + " layout is coming up beside this one")
        Integer activeShards,

        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonPropertyDescription("The shard map: every shard of the active layout and of one coming up")
        List<ShardStatus> shards,

        @JsonPropertyDescription("The largest online index a data-plane pod holds against its heap")
        MemoryStatus memory) {
    public FeatureStoreStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        views = views == null ? List.of() : List.copyOf(views);
        refusedViews = refusedViews == null ? List.of() : List.copyOf(refusedViews);
        shards = shards == null ? List.of() : List.copyOf(shards);
    }

    /** This status with clients routed to a layout of {@code shards}: what a reshard's switch writes. */
    public FeatureStoreStatus withActiveShards(int shards) {
        return new FeatureStoreStatus(
                observedGeneration,
                conditions,
                replicas,
                readyReplicas,
                viewCount,
                views,
                endpoint,
                refusedViews,
                shards,
                this.shards,
                memory);
    }

    /** One shard of a sharded store. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ShardStatus(
            @JsonPropertyDescription("The shard, i/N") String shard,

            @JsonPropertyDescription("Its Deployment (and headless Service, of the same name)")
            String workload,

            @JsonPropertyDescription("The hash slots it holds, first-last")
            String slots,

            @JsonPropertyDescription("Whether clients are routed to its layout")
            boolean active,

            @JsonPropertyDescription("Pods wanted") Integer replicas,
            @JsonPropertyDescription("Pods ready") Integer readyReplicas) {}

    /**
     * How much of a pod's heap its online indexes take, from the pods' own reports.
     *
     * @param largestIndexBytes the most index value bytes one pod holds
     * @param heapBytes         the heap a pod gets ({@code HEAP_PERCENT} of its memory limit); null without a limit
     * @param fits              whether the largest index leaves the heap's headroom free
     * @param shardsToFit       the shard count that would leave it free
     * @param message           the same in words
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemoryStatus(
            @JsonPropertyDescription("The most online-index value bytes one pod holds")
            Long largestIndexBytes,

            @JsonPropertyDescription("The heap of one pod, from its memory limit")
            Long heapBytes,

            @JsonPropertyDescription("Whether the largest index leaves the heap's headroom free")
            Boolean fits,

            @JsonPropertyDescription("The shard count that would leave it free")
            Integer shardsToFit,

            @JsonPropertyDescription("The same in words") String message) {}

    /** A FeatureView the store does not serve, and why (its own status says the same). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RefusedView(
            @JsonPropertyDescription("The FeatureView") String name,
            @JsonPropertyDescription("Why it is not served") String reason) {}

    public static Builder builder(Long observedGeneration, List<Condition> conditions) {
        return new Builder(observedGeneration, conditions);
    }

    /** A status field by field: an invalid or failing store has only its generation and conditions. */
    public static final class Builder {
        private final Long observedGeneration;
        private final List<Condition> conditions;
        private Integer replicas;
        private Integer readyReplicas;
        private List<String> views;
        private String endpoint;
        private List<RefusedView> refusedViews;
        private Integer activeShards;
        private List<ShardStatus> shards;
        private MemoryStatus memory;

        private Builder(Long observedGeneration, List<Condition> conditions) {
            this.observedGeneration = observedGeneration;
            this.conditions = conditions;
        }

        public Builder replicas(Integer wanted, Integer ready) {
            this.replicas = wanted;
            this.readyReplicas = ready;
            return this;
        }

        /** The views assigned; also sets {@code viewCount}. */
        public Builder views(List<String> names) {
            this.views = names;
            return this;
        }

        public Builder endpoint(String url) {
            this.endpoint = url;
            return this;
        }

        public Builder refusedViews(List<RefusedView> refused) {
            this.refusedViews = refused;
            return this;
        }

        /** The shard count clients are routed to and the shard map. */
        public Builder shards(Integer active, List<ShardStatus> map) {
            this.activeShards = active;
            this.shards = map;
            return this;
        }

        public Builder memory(MemoryStatus fit) {
            this.memory = fit;
            return this;
        }

        public FeatureStoreStatus build() {
            return new FeatureStoreStatus(
                    observedGeneration,
                    conditions,
                    replicas,
                    readyReplicas,
                    views == null ? null : views.size(),
                    views,
                    endpoint,
                    refusedViews,
                    activeShards,
                    shards,
                    memory);
        }
    }
}
