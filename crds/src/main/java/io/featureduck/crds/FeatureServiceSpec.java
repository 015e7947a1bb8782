package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The features of a FeatureService, in the order answers list them.
 *
 * @param store       name of the FeatureStore (in this namespace) whose views the features come from
 * @param features    {@code view:feature} references, or {@code view:*} for every feature of a view (stored and
 *                    on-demand, in the view's order)
 * @param description free text shown to users
 *
 * <p>References are checked by the operator (condition {@code Accepted}) rather than by CEL rules in the schema: rules
 * over a list of unbounded strings exceed the API server's cost budget.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureServiceSpec(
        @Required
        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Name of the FeatureStore (in this namespace) that serves the views")
        String store,

        @Required
        @Size(min = 1, max = SpecValidator.MAX_SERVICE_FEATURES)
        @JsonPropertyDescription("view:feature references, or view:* for all features of a view, in answer order")
        List<String> features,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description) {
    public static final String REFERENCE_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?:([A-Za-z_][A-Za-z0-9_]*|[*])$";
    static final java.util.regex.Pattern REFERENCE = java.util.regex.Pattern.compile(REFERENCE_PATTERN);
    /** The feature part of a reference that stands for every feature of its view. */
    public static final String ALL_FEATURES = "*";

    public FeatureServiceSpec {
        features = features == null ? List.of() : List.copyOf(features);
    }
}
