package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Replaces a prefix of every path a table's metadata names. Iceberg metadata holds the absolute paths of where a
 * table was written, so a table copied between buckets or environments is unreadable without this.
 *
 * @param from the prefix as the metadata has it, e.g. {@code s3://old-bucket/warehouse/}
 * @param to   what to put in its place, e.g. {@code /data/warehouse/}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PathRewrite(
        @Required @Size(min = 1, max = 2048) @JsonPropertyDescription("Prefix as the table metadata has it")
        String from,

        @Required @Size(max = 2048) @JsonPropertyDescription("Replacement prefix")
        String to) {}
