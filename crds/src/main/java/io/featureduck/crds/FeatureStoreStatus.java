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
        List<RefusedView> refusedViews) {
    public FeatureStoreStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        views = views == null ? List.of() : List.copyOf(views);
        refusedViews = refusedViews == null ? List.of() : List.copyOf(refusedViews);
    }

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

        public FeatureStoreStatus build() {
            return new FeatureStoreStatus(
                    observedGeneration,
                    conditions,
                    replicas,
                    readyReplicas,
                    views == null ? null : views.size(),
                    views,
                    endpoint,
                    refusedViews);
        }
    }
}
