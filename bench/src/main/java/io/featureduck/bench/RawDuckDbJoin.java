package io.featureduck.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The historical benchmark's baseline: the same point-in-time join FeatureDuck runs, written directly as DuckDB SQL
 * over the table's Parquet files (the benchmark table is append-only, so every file is live), with the same output.
 * What FeatureDuck adds on top (Delta Kernel planning, validation, its own SQL) is measured against this.
 *
 * <p>Usage: {@code RawDuckDbJoin <table-dir> <entities.parquet> <out.parquet> <features>}
 */
public final class RawDuckDbJoin {
    public static void main(String[] args) throws Exception {
        Path table = Path.of(args[0]).toAbsolutePath();
        Path entities = Path.of(args[1]).toAbsolutePath();
        Path out = Path.of(args[2]).toAbsolutePath();
        int features = Integer.parseInt(args[3]);
        String files;
        try (var list = Files.list(table)) {
            files = list.filter(p -> p.toString().endsWith(".parquet"))
                    .map(p -> "'" + p + "'")
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        String featureColumns =
                IntStream.range(0, features).mapToObj(i -> "f" + i).collect(Collectors.joining(", "));
        String selected = IntStream.range(0, features).mapToObj(i -> "h.f" + i).collect(Collectors.joining(", "));
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("SET memory_limit = '" + System.getProperty("memoryLimit", "4GB") + "'");
            statement.execute("COPY (SELECT e.* EXCLUDE (rn), " + selected
                    + " FROM (SELECT row_number() OVER () AS rn, * FROM "
                    + "read_parquet('" + entities + "')) e ASOF LEFT JOIN (SELECT entity_id, event_timestamp AS ts, "
                    + featureColumns + " FROM read_parquet(" + files + ") QUALIFY row_number() OVER (PARTITION BY "
                    + "entity_id, event_timestamp) = 1) h ON e.entity_id = h.entity_id AND e.event_timestamp >= h.ts "
                    + "ORDER BY e.rn) TO '" + out + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        System.out.printf("raw DuckDB join: %.2f s%n", (System.nanoTime() - start) / 1e9);
    }

    private RawDuckDbJoin() {}
}
