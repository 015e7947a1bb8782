package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

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
public record FeatureSpec(String name, ValueType type, String expression, String description) {
    public FeatureSpec(String name, ValueType type) {
        this(name, type, null, null);
    }

    public boolean hasExpression() {
        return expression != null && !expression.isBlank();
    }
}
