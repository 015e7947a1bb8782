package io.featureduck.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;

/**
 * Entity rows for the historical benchmark: {@code rows} random entities of the benchmark table, each at a random time
 * across the span of its five versions, plus a label column, as a Parquet file.
 *
 * <p>Usage: {@code HistoricalBenchData <out.parquet> <rows> <entities>}
 */
public final class HistoricalBenchData {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        long rows = Long.parseLong(args[1]);
        long entities = Long.parseLong(args[2]);
        long now = Instant.now().getEpochSecond();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("COPY (SELECT (hash(range, 'entity') % " + entities + ")::BIGINT AS entity_id, "
                    + "make_timestamp(((" + (now - 6 * 3600) + " + hash(range, 'time') % " + (6 * 3600)
                    + ") * 1000000)::BIGINT)::TIMESTAMPTZ AS event_timestamp, "
                    + "CASE WHEN range % 5 = 0 THEN 'test' ELSE 'train' END AS split FROM range(" + rows + ")) TO '"
                    + out + "' (FORMAT parquet)");
        }
        System.out.println("wrote " + rows + " entity rows to " + out);
    }

    private HistoricalBenchData() {}
}
