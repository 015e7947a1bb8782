package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A value a request must send for a view's on-demand features ({@code request.<name>} in their expressions), as
 * Feast's request sources declare it. Online it comes with the request, historically from the entity rows' column of
 * the same name.
 *
 * @param name        the name clients send it under
 * @param type        its value type
 * @param description free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestFieldSpec(
        @Required
        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("The name clients send the value under")
        String name,

        @Required @JsonPropertyDescription("Value type of the request value")
        ValueType type,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description) {
    public RequestFieldSpec(String name, ValueType type) {
        this(name, type, null);
    }
}
