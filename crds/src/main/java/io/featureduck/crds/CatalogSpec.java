package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * An Iceberg catalog that names a view's table (with {@code spec.source.table} as {@code namespace.name}).
 *
 * @param type       {@code hadoop} (a warehouse directory of {@code <namespace>/<name>} table directories) or
 *                   {@code rest} (an Iceberg REST catalog)
 * @param warehouse  the warehouse: for {@code hadoop} a directory (relative to the store's root, or absolute)
 * @param uri        for {@code rest}, the catalog's base URI
 * @param properties further catalog properties, passed to Iceberg as they are (e.g. {@code credential}, {@code scope})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.type != 'rest' || has(self.uri)", message = "a rest catalog needs uri")
@ValidationRule(value = "self.type != 'hadoop' || has(self.warehouse)", message = "a hadoop catalog needs warehouse")
public record CatalogSpec(
        @Required @Pattern("^(hadoop|rest)$") @JsonPropertyDescription("hadoop or rest") String type,
        @Size(max = 2048) @JsonPropertyDescription("Warehouse location; for hadoop, a directory") String warehouse,
        @Size(max = 2048) @JsonPropertyDescription("For rest, the catalog's base URI") String uri,
        @JsonPropertyDescription("Further Iceberg catalog properties") Map<String, String> properties) {
    public CatalogSpec {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
}
