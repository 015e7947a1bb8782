package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The lakehouse table formats a FeatureStore or FeatureView source can name, each with what it can do: the one place
 * that says which formats take version pins, pushes, catalogs and object stores.
 */
public enum TableFormat {
    DELTA("delta", Capability.VERSIONS, Capability.PUSHES, Capability.OBJECT_STORES),
    ICEBERG("iceberg", Capability.VERSIONS, Capability.PUSHES, Capability.OBJECT_STORES, Capability.CATALOGS),
    PARQUET("parquet", Capability.PUSHES, Capability.OBJECT_STORES),
    DUCKDB("duckdb", Capability.NAMED_TABLE),
    HUDI("hudi", Capability.VERSIONS, Capability.OBJECT_STORES);

    /** What a format can do, and so which definitions admission accepts for it. */
    public enum Capability {
        /** The table has versions (commits, snapshots, instants) a view may pin. */
        VERSIONS,
        /** The data plane commits pushed rows to it; the other formats are written by their own engines. */
        PUSHES,
        /** Readable from object stores; a format without it is read from a mounted volume only. */
        OBJECT_STORES,
        /** Tables may be named through an Iceberg catalog instead of a path. */
        CATALOGS,
        /** The file holds several tables, so a view names one in {@code spec.source.table}. */
        NAMED_TABLE
    }

    private final String wireName;
    private final java.util.Set<Capability> capabilities;

    TableFormat(String wireName, Capability... capabilities) {
        this.wireName = wireName;
        this.capabilities = java.util.Set.of(capabilities);
    }

    public boolean can(Capability capability) {
        return capabilities.contains(capability);
    }

    /** The formats with {@code capability}, by wire name, for messages that say what would be accepted. */
    public static java.util.List<String> with(Capability capability) {
        return Arrays.stream(values())
                .filter(f -> f.can(capability))
                .map(TableFormat::wireName)
                .toList();
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static TableFormat fromWireName(String name) {
        return WireNames.parse(TableFormat.class, name, TableFormat::wireName, "table format");
    }
}
