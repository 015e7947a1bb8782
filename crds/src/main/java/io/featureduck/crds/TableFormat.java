package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The lakehouse table formats a FeatureStore or FeatureView source can name. */
public enum TableFormat {
    DELTA("delta"),
    ICEBERG("iceberg"),
    PARQUET("parquet"),
    DUCKDB("duckdb"),
    HUDI("hudi");

    private final String wireName;

    TableFormat(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static TableFormat fromWireName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (TableFormat format : values()) {
            if (format.wireName.equals(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown table format '" + name + "', expected one of "
                + Arrays.stream(values()).map(TableFormat::wireName).collect(Collectors.joining(", ")));
    }
}
