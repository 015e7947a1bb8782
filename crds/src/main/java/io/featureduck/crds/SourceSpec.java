package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The table a view reads.
 *
 * @param format                 table format; the store's format when absent
 * @param path                   table location: absolute, a {@code file:} URI, or relative to the store's root
 * @param timestampColumn        event-time column; absent makes this a snapshot view (one row per key, kept current
 *                               by MERGE/UPDATE), whose event time is the commit time of the table version
 * @param createdTimestampColumn breaks ties between rows with the same event time: the later one wins
 * @param pathRewrite            prefix rewrites for every path the table metadata names
 * @param table                  for a DuckDB database file, the table or view inside it; with a catalog, the table
 * @param catalog                an Iceberg catalog naming the table, instead of a path
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.path) || has(self.catalog)", message = "name the table by path or by catalog")
@ValidationRule(value = "!has(self.catalog) || has(self.table)", message = "with a catalog, table names the table")
@ValidationRule(value = "!has(self.catalog) || (!has(self.catalog.uri) && !has(self.catalog.properties))",
        message = CatalogSpec.VIEW_ADDRESS_REFUSED)
@ValidationRule(value = "!has(self.catalog) || has(self.catalog.name) || self.catalog.type == 'hadoop'",
        message = "a view names a rest catalog of its store by name")
@ValidationRule(value = "!has(self.createdTimestampColumn) || has(self.timestampColumn)",
        message = "createdTimestampColumn only breaks ties between event timestamps, so it needs timestampColumn")
@ValidationRule(value = "!has(self.createdTimestampColumn) || !has(self.timestampColumn) "
        + "|| self.createdTimestampColumn != self.timestampColumn",
        message = "createdTimestampColumn must differ from timestampColumn")
@ValidationRule(value = "!has(self.format) || self.format != 'hudi'", message = TableFormat.HUDI_NOT_SUPPORTED)
public record SourceSpec(
        @JsonPropertyDescription("Table format; the store's format when absent") TableFormat format,
        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("Table location: absolute, a file: URI, or relative to the store's root; not used "
                + "with a catalog")
        String path,
        @Pattern(SpecValidator.IDENTIFIER_PATTERN) @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Event-time column; absent makes this a snapshot view, whose event time is the "
                + "commit time of the table version")
        String timestampColumn,
        @Pattern(SpecValidator.IDENTIFIER_PATTERN) @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Breaks ties between rows with the same event time: the later one wins")
        String createdTimestampColumn,
        @Size(max = 16) @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonPropertyDescription("Prefix rewrites applied, first match wins, to every path the table metadata names "
                + "(for tables copied from where they were written)")
        List<PathRewrite> pathRewrite,
        @Pattern("^([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*$") @Size(max = 127)
        @JsonPropertyDescription("For a DuckDB database file: the table or view to read, as name or schema.name; "
                + "with an Iceberg catalog: the table, as namespace.name")
        String table,
        @JsonPropertyDescription("An Iceberg catalog naming the table, instead of a path") CatalogSpec catalog) {
    public SourceSpec {
        pathRewrite = pathRewrite == null ? List.of() : List.copyOf(pathRewrite);
    }

    public SourceSpec(TableFormat format, String path, String timestampColumn, String createdTimestampColumn) {
        this(format, path, timestampColumn, createdTimestampColumn, List.of(), null, null);
    }

    @JsonIgnore
    public boolean isSnapshot() {
        return timestampColumn == null || timestampColumn.isBlank();
    }
}
