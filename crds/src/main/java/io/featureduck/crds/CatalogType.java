package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of Iceberg catalog a store may list ({@code spec.lakehouse.catalogs[].type}). */
public enum CatalogType {
    /** A warehouse directory of {@code <namespace>/<name>} table directories: held to the lakehouse like a path. */
    HADOOP("hadoop"),
    /** An Iceberg REST catalog at the store's {@code uri}. */
    REST("rest");

    private final String wireName;

    CatalogType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static CatalogType fromWireName(String name) {
        return WireNames.parse(CatalogType.class, name, CatalogType::wireName, "catalog type");
    }
}
