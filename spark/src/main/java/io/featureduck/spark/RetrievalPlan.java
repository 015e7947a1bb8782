package io.featureduck.spark;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What one Spark retrieval runs: the data plane writes it (its {@code spark} package, from the same view definitions
 * and projection as its own DuckDB retrieval), the job reads it. It is the contract between two separately deployed
 * artifacts, so it is versioned ({@link #FORMAT}) and both sides test it: the data plane's plans run on this job in
 * its equality tests.
 *
 * @param format   {@link #FORMAT}; a plan of another format is refused rather than half understood
 * @param entities where the entity rows come from
 * @param tables   each table version the SQL reads, registered as a temporary view named {@code name}
 * @param sql      the point-in-time query over {@code entity_rows} and the tables; its result holds internal columns
 *                 whose names start with {@code __fd_}, which the job drops before writing
 * @param joinKeys the entity rows' join key columns, which must hold a value in every row
 * @param features the output names of the requested features, which entity rows must not also name
 * @param output   where the result is written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrievalPlan(
        String format,
        Entities entities,
        List<TableRead> tables,
        String sql,
        @JsonProperty("join_keys") List<String> joinKeys,
        List<String> features,
        Output output) {

    public static final String FORMAT = "featureduck.io/retrieval-plan/v1";

    /** The view the SQL reads entity rows from; the job numbers them in their order as {@code __fd_row}. */
    public static final String ENTITY_ROWS = "entity_rows";

    /** Internal columns of the SQL's result start with this. */
    public static final String INTERNAL_PREFIX = "__fd_";

    public RetrievalPlan {
        tables = tables == null ? List.of() : List.copyOf(tables);
        joinKeys = joinKeys == null ? List.of() : List.copyOf(joinKeys);
        features = features == null ? List.of() : List.copyOf(features);
    }

    /**
     * Entity rows: a file ({@code uri} and {@code format}) or, for retrieval over a time range without an entity
     * table, a query ({@code sql}) over the tables whose rows are already in the order to number them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entities(String uri, EntityFormat format, String sql) {}

    /** The formats an entity table may have. */
    public enum EntityFormat {
        @JsonProperty("parquet")
        PARQUET,
        @JsonProperty("csv")
        CSV
    }

    /**
     * One table version: read with Spark's own reader for {@code format}, pinned to {@code version} (Delta's version,
     * Iceberg's snapshot id, Hudi's instant time; none for Parquet).
     *
     * @param view the feature view it serves, for the report
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableRead(String name, String view, TableFormat format, String uri, String version) {}

    /** The lakehouse formats the job reads. */
    public enum TableFormat {
        @JsonProperty("delta")
        DELTA,
        @JsonProperty("iceberg")
        ICEBERG,
        @JsonProperty("hudi")
        HUDI,
        @JsonProperty("parquet")
        PARQUET
    }

    /** Where the result goes and in which format. */
    public record Output(String uri, OutputFormat format) {}

    /** The formats the result may be written in. */
    public enum OutputFormat {
        @JsonProperty("parquet")
        PARQUET,
        @JsonProperty("delta")
        DELTA
    }
}
