package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator last resolved of a FeatureService.
 *
 * @param observedGeneration the spec generation this status describes
 * @param conditions         {@code Accepted}: the store exists and every reference resolves
 * @param views              the views the service reads, sorted
 * @param features           the features it resolves to, as {@code view:feature}, in answer order
 * @param featureCount       how many features that is
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureServiceStatus(
        @JsonPropertyDescription("The spec generation this status describes")
        Long observedGeneration,

        @JsonPropertyDescription("Accepted: the store exists and every reference resolves")
        List<Condition> conditions,

        @JsonPropertyDescription("Views the service reads, sorted")
        List<String> views,

        @JsonPropertyDescription("Features it resolves to, as view:feature, in answer order")
        List<String> features,

        @JsonPropertyDescription("Number of features it resolves to")
        Integer featureCount) {
    public FeatureServiceStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        views = views == null ? List.of() : List.copyOf(views);
        features = features == null ? List.of() : List.copyOf(features);
    }
}
