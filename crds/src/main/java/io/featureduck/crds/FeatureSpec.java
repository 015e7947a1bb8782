package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One feature of a view.
 *
 * @param name        feature name clients ask for
 * @param type        value type served
 * @param expression  DuckDB SQL scalar expression over source columns; absent means the source column named
 *                    {@code name}
 * @param description free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureSpec(
        @Required
        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Feature name clients ask for")
        String name,

        @Required @JsonPropertyDescription("Value type served")
        ValueType type,

        @Size(min = 1, max = 4096)
        @JsonPropertyDescription("DuckDB SQL scalar expression over source columns; absent means the source column "
                + "named like the feature")
        String expression,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description) {
    public FeatureSpec(String name, ValueType type) {
        this(name, type, null, null);
    }

    public boolean hasExpression() {
        return expression != null && !expression.isBlank();
    }
}
