package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A join key of a view.
 *
 * @param name        column name in the source table, and the key name clients send
 * @param type        value type of the key
 * @param description free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.type in ['string', 'int32', 'int64', 'bool', 'date', 'timestamp', 'bytes']",
        message = "a join key must be string, int32, int64, bool, date, timestamp or bytes",
        fieldPath = ".type")
public record EntitySpec(
        @Required
        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Column name in the source table, and the key name clients send")
        String name,

        @Required @JsonPropertyDescription("Value type of the key")
        ValueType type,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description) {
    public EntitySpec(String name, ValueType type) {
        this(name, type, null);
    }
}
