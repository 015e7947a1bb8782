package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
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
 * @param version                serve this table version and no other: a Delta commit version, an Iceberg
 *                               snapshot id or a Hudi instant time
 * @param asOf                   serve the table version that was current at this RFC 3339 time and no other
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.path) || has(self.catalog)", message = "name the table by path or by catalog")
@ValidationRule(
        value = "!has(self.catalog) || has(self.table)",
        message = "with a catalog, table names the table",
        fieldPath = ".table")
@ValidationRule(
        value = "!has(self.catalog) || (!has(self.catalog.uri) && !has(self.catalog.properties))",
        message = CatalogSpec.VIEW_ADDRESS_REFUSED,
        fieldPath = ".catalog")
@ValidationRule(
        value = "!has(self.catalog) || has(self.catalog.name) || self.catalog.type == 'hadoop'",
        message = "a view names a rest catalog of its store by name",
        fieldPath = ".catalog")
@ValidationRule(
        value = "!has(self.createdTimestampColumn) || has(self.timestampColumn)",
        message = "createdTimestampColumn only breaks ties between event timestamps, so it needs timestampColumn",
        fieldPath = ".createdTimestampColumn")
@ValidationRule(
        value = "!has(self.createdTimestampColumn) || !has(self.timestampColumn) "
                + "|| self.createdTimestampColumn != self.timestampColumn",
        message = "createdTimestampColumn must differ from timestampColumn",
        fieldPath = ".createdTimestampColumn")
@ValidationRule(value = "!has(self.version) || !has(self.asOf)", message = SourceSpec.ONE_PIN, fieldPath = ".asOf")
public record SourceSpec(
        @JsonPropertyDescription("Table format; the store's format when absent")
        TableFormat format,

        @Size(min = 1, max = 2048)
        @JsonPropertyDescription(
                "Table location: absolute, a file: URI, or relative to the store's root; not used " + "with a catalog")
        String path,

        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Event-time column; absent makes this a snapshot view, whose event time is the "
                + "commit time of the table version")
        String timestampColumn,

        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Breaks ties between rows with the same event time: the later one wins")
        String createdTimestampColumn,

        @Size(max = 16)
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonPropertyDescription("Prefix rewrites applied, first match wins, to every path the table metadata names "
                + "(for tables copied from where they were written)")
        List<PathRewrite> pathRewrite,

        @Pattern("^([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*$")
        @Size(max = 127)
        @JsonPropertyDescription("For a DuckDB database file: the table or view to read, as name or schema.name; "
                + "with an Iceberg catalog: the table, as namespace.name")
        String table,

        @JsonPropertyDescription("An Iceberg catalog naming the table, instead of a path")
        CatalogSpec catalog,

        @Min(0)
        @JsonPropertyDescription("Pins the view to this table version (a Delta commit version, an Iceberg "
                + "snapshot id or a Hudi instant time such as 20240418173551906): it is served, online and historically, instead of following new commits; remove "
                + "it to follow the table again")
        Long version,

        @Pattern(SourceSpec.RFC_3339)
        @Size(max = 64)
        @JsonPropertyDescription("Pins the view to the table version current at this RFC 3339 time (for example "
                + "2026-11-30T00:00:00Z), like version")
        String asOf) {
    public static final String ONE_PIN = "pin the table by version or by asOf, not both";
    static final String RFC_3339 =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?" + "(Z|[+-][0-9]{2}:[0-9]{2})$";

    public SourceSpec {
        pathRewrite = pathRewrite == null ? List.of() : List.copyOf(pathRewrite);
    }

    public SourceSpec(TableFormat format, String path, String timestampColumn, String createdTimestampColumn) {
        this(format, path, timestampColumn, createdTimestampColumn, List.of(), null, null, null, null);
    }

    /** The same source pinned to {@code pin}, or following the table when {@code pin} is null. */
    public SourceSpec pinned(TablePin pin) {
        return new SourceSpec(
                format,
                path,
                timestampColumn,
                createdTimestampColumn,
                pathRewrite,
                table,
                catalog,
                pin == null ? null : pin.version(),
                pin == null || pin.asOf() == null ? null : pin.asOf().toString());
    }

    @JsonIgnore
    public boolean isSnapshot() {
        return timestampColumn == null || timestampColumn.isBlank();
    }
}
