package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * An Iceberg catalog that names tables (with {@code spec.source.table} as {@code namespace.name}).
 *
 * <p>A store lists the catalogs its views may use in {@code spec.lakehouse.catalogs}, each with a {@code name}; a
 * view refers to one by that name alone. The addresses and credentials of catalogs are thus set by whoever manages
 * the store, and a view cannot make the data plane call an address of its choosing. A view may still name a
 * {@code hadoop} catalog by its warehouse directory, which must lie inside the store's lakehouse like any table path.
 *
 * @param name       in a store, how views refer to this catalog; in a view, the store's catalog to use
 * @param type       {@code hadoop} (a warehouse directory of {@code <namespace>/<name>} table directories) or
 *                   {@code rest} (an Iceberg REST catalog)
 * @param warehouse  the warehouse: for {@code hadoop} a directory (relative to the store's root, or absolute)
 * @param uri        for {@code rest}, the catalog's base URI (store only)
 * @param properties further catalog properties, passed to Iceberg as they are, e.g. {@code credential} (store only)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "has(self.name) || has(self.type)", message = "name a catalog of the store, or give its type")
@ValidationRule(
        value = "!has(self.type) || self.type != 'rest' || has(self.uri)",
        message = CatalogSpec.REST_NEEDS_URI,
        fieldPath = ".uri")
@ValidationRule(
        value = "!has(self.type) || self.type != 'hadoop' || has(self.warehouse)",
        message = CatalogSpec.HADOOP_NEEDS_WAREHOUSE,
        fieldPath = ".warehouse")
public record CatalogSpec(
        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = 63)
        @JsonPropertyDescription("In a store, the catalog's name; in a view, the store's catalog to use")
        String name,

        @JsonPropertyDescription("hadoop or rest") CatalogType type,

        @Size(max = 2048) @JsonPropertyDescription("Warehouse location; for hadoop, a directory")
        String warehouse,

        @Size(max = 2048) @JsonPropertyDescription("For rest, the catalog's base URI (in the store only)")
        String uri,

        @JsonPropertyDescription("Further Iceberg catalog properties (in the store only)")
        Map<String, String> properties) {
    public static final String REST_NEEDS_URI = "a rest catalog needs uri: the catalog's base URI";
    public static final String HADOOP_NEEDS_WAREHOUSE = "a hadoop catalog needs warehouse: its directory";
    public static final String VIEW_ADDRESS_REFUSED = "a view cannot set a catalog's uri or properties: list the "
            + "catalog in the FeatureStore's spec.lakehouse.catalogs and refer to it by name";

    public CatalogSpec {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** Whether this only names a catalog of the store, as a view's catalog does. */
    public boolean isReference() {
        return name != null && type == null;
    }
}
