package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A request-time feature (Feast's on-demand feature): computed for each entity of a request after the lookup, from
 * the view's own features and the request's data, by a CEL expression. Historical retrieval computes it the same way
 * from each entity row's columns.
 *
 * @param name        feature name clients ask for, as for a stored feature
 * @param type        value type served; the expression must produce it
 * @param expression  CEL over the view's features (by name) and request data ({@code request.<name>})
 * @param description free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OnDemandFeatureSpec(
        @Required
        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Feature name clients ask for")
        String name,

        @Required @JsonPropertyDescription("Value type served; the expression must produce it")
        ValueType type,

        @Required
        @Size(min = 1, max = 4096)
        @JsonPropertyDescription("CEL expression over the view's features (by name) and request data "
                + "(request.<name>), e.g. conv_rate * request.trip_km")
        String expression,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description) {
    public OnDemandFeatureSpec(String name, ValueType type, String expression) {
        this(name, type, expression, null);
    }
}
