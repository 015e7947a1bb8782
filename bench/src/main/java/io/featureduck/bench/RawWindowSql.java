package io.featureduck.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The aggregation benchmark's historical baseline: the windows FeatureDuck computes for each entity row, written
 * directly as DuckDB SQL over the events' Parquet files (each entity row joined to its entity's events of the last 30
 * days, every window a FILTER), with the same output columns. What FeatureDuck adds (reading the table through its
 * format, validation, its own SQL) is measured against this.
 *
 * <p>Usage: {@code RawWindowSql <events-dir> <rows.parquet> <out.parquet>}; {@code -DmemoryLimit} as FeatureDuck's.
 */
public final class RawWindowSql {
    private RawWindowSql() {}

    public static void main(String[] args) throws Exception {
        Path events = Path.of(args[0]).toAbsolutePath();
        Path rows = Path.of(args[1]).toAbsolutePath();
        Path out = Path.of(args[2]).toAbsolutePath();
        String files;
        try (var list = Files.list(events)) {
            files = list.filter(p -> p.toString().endsWith(".parquet"))
                    .map(p -> "'" + p + "'")
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        List<String> columns = new ArrayList<>();
        for (String window : AggregationBenchData.WINDOWS) {
            String days = window.endsWith("d") ? window.substring(0, window.length() - 1) + " DAY" : "1 HOUR";
            String in = "v.ts > r.event_timestamp - INTERVAL " + days;
            columns.add("count(v.ts) FILTER (WHERE " + in + ") AS events_" + window);
            columns.add("sum(v.trips) FILTER (WHERE " + in + ") AS trips_" + window);
            columns.add("avg(v.trips) FILTER (WHERE " + in + ") AS trips_avg_" + window);
            columns.add("sum(v.amount) FILTER (WHERE " + in + ") AS amount_" + window);
            columns.add("min(v.amount) FILTER (WHERE " + in + ") AS amount_min_" + window);
            columns.add("max(v.amount) FILTER (WHERE " + in + ") AS amount_max_" + window);
            columns.add("stddev_samp(v.amount) FILTER (WHERE " + in + ") AS amount_sd_" + window);
            columns.add("count(v.amount) FILTER (WHERE " + in + ") AS paid_" + window);
            columns.add("arg_max(v.merchant, v.ts) FILTER (WHERE " + in + " AND v.merchant IS NOT NULL) AS merchant_"
                    + window);
            columns.add("count(DISTINCT v.merchant) FILTER (WHERE " + in + ") AS merchants_" + window);
        }
        String memory = System.getProperty("memoryLimit", "4GB");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duckdb.createStatement()) {
            sql.execute("SET memory_limit = '" + memory + "'");
            long start = System.nanoTime();
            sql.execute("COPY (SELECT r.entity_id, r.event_timestamp, " + String.join(", ", columns)
                    + " FROM (SELECT row_number() OVER () AS rid, * FROM read_parquet('" + rows + "')) r"
                    + " LEFT JOIN read_parquet(" + files + ") v ON v.entity_id = r.entity_id"
                    + " AND v.ts <= r.event_timestamp AND v.ts > r.event_timestamp - INTERVAL 30 DAY"
                    + " GROUP BY r.rid, r.entity_id, r.event_timestamp ORDER BY r.rid) TO '" + out
                    + "' (FORMAT parquet)");
            System.out.printf("raw window SQL: %.2f s%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
