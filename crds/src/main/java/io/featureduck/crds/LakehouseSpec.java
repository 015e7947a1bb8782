package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where a store's tables live.
 *
 * @param format default table format of the store's views
 * @param root   base location of the store's tables: an absolute path, a {@code file:} URI, or a path relative to
 *               the file that defines the store
 * @param persistentVolumeClaim in a cluster, the claim holding the tables, mounted read-only at {@code root}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.persistentVolumeClaim) || self.root.startsWith('/')",
        message = "with a persistentVolumeClaim, root must be the absolute path where the claim is mounted")
public record LakehouseSpec(
        @Required @JsonPropertyDescription("Default table format of the store's views") TableFormat format,
        @Required @Size(min = 1, max = 2048)
        @JsonPropertyDescription("Base location of the store's tables: an absolute path, a file: URI, or (when "
                + "served locally) a path relative to the file defining the store")
        String root,
        @Pattern(SpecValidator.NAME_PATTERN) @Size(max = 253)
        @JsonPropertyDescription("PersistentVolumeClaim holding the tables; the operator mounts it read-only at root")
        String persistentVolumeClaim) {
    public LakehouseSpec(TableFormat format, String root) {
        this(format, root, null);
    }
}
