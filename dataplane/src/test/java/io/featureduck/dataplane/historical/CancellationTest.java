package io.featureduck.dataplane.historical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.OutputFormat;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP handler does when a client goes away: cancelling the statement stops DuckDB mid-query. */
class CancellationTest {
    @TempDir
    Path directory;

    @Test
    void cancellingTheRunningStatementStopsTheJoin() throws Exception {
        ServingConfig config =
                new ServingConfigLoader().load(new DemoLakehouse(2000, 4).write(directory, Instant.now()));
        Path rows = directory.resolve("rows.parquet");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "COPY (SELECT (1001 + range % 2000)::BIGINT AS driver_id, now() - to_seconds(range % 300000) "
                            + "AS event_timestamp FROM range(6000000)) TO '" + rows + "' (FORMAT parquet)");
        }
        HistoricalRetrieval retrieval =
                new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> retrieval.export(
                            EntityRows.of(rows),
                            List.of(
                                    FeatureRef.parse("driver-stats:conv_rate"),
                                    FeatureRef.parse("driver-stats:acc_rate")),
                            false,
                            OutputFormat.PARQUET,
                            directory.resolve("out.parquet"),
                            statement -> scheduler.schedule(() -> cancel(statement), 300, TimeUnit.MILLISECONDS)))
                    .hasMessageContaining("INTERRUPT");
        } finally {
            scheduler.shutdownNow();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(60_000);
    }

    private static void cancel(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
