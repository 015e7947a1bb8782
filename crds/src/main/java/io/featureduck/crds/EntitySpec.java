package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A join key of a view.
 *
 * @param name        column name in the source table, and the key name clients send
 * @param type        value type of the key
 * @param description free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntitySpec(String name, ValueType type, String description) {
    public EntitySpec(String name, ValueType type) {
        this(name, type, null);
    }
}
