package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.serving.ViewRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table inside a DuckDB database file, written by DuckDB, served from YAML and refreshed when the file changes. */
class DuckDbTableSourceTest {
    @TempDir
    Path directory;

    @Test
    void aTableInADatabaseFileIsServedAndRebuiltWhenTheFileChanges() throws Exception {
        Path database = directory.resolve("lakehouse/warehouse.duckdb");
        Files.createDirectories(database.getParent());
        execute(
                database,
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.scores AS SELECT range AS id, "
                        + "TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (range % 5) HOUR AS ts, range / 8.0 AS score "
                        + "FROM range(0, 500)",
                "INSERT INTO ml.scores SELECT range, TIMESTAMPTZ '2025-12-31 00:00:00+00', "
                        + "-1.0 FROM range(0, 500)");
        Path file = ServingYaml.write(directory, "duckdb", """
                source: {path: warehouse.duckdb, table: ml.scores, timestampColumn: ts}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        ViewDefinition view = config.views().get(0);
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC())
                .load(view, new TableSourceFactory().forView(view));
        assertThat(index.size()).isEqualTo(500);
        // The latest row per id, computed by DuckDB on the file itself.
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + database, readOnly());
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, arg_max(score, ts) FROM ml.scores GROUP BY id")) {
            while (rs.next()) {
                assertThat(index.column(0).value(index.rowOf(rs.getLong(1)))).isEqualTo(rs.getDouble(2));
            }
        }

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            ViewRegistry registry = new ViewRegistry(
                    config.views(),
                    new TableSourceFactory(),
                    new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()),
                    executor,
                    Clock.systemUTC());
            registry.loadAll().join();
            Thread.sleep(20);
            execute(
                    database,
                    "INSERT INTO ml.scores SELECT range, TIMESTAMPTZ '2026-02-01 00:00:00+00', 99.0 "
                            + "FROM range(490, 510)");
            registry.refresh("scores").join();
            OnlineIndex refreshed =
                    registry.view("scores").orElseThrow().index().orElseThrow();
            assertThat(refreshed.size()).isEqualTo(510);
            assertThat(refreshed.column(0).value(refreshed.rowOf(495L))).isEqualTo(99.0);
            assertThat(refreshed.column(0).value(refreshed.rowOf(10L))).isEqualTo(10 / 8.0);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aDatabaseViewWithoutATableIsRejected() throws Exception {
        Path file = ServingYaml.write(directory, "duckdb", """
                source: {path: warehouse.duckdb, timestampColumn: ts}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                """);
        assertThat(new ServingConfigLoader().load(file).refused().get("scores"))
                .contains("spec.source.table: is required: a duckdb file holds several tables");
    }

    private static java.util.Properties readOnly() {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("duckdb.read_only", "true");
        return properties;
    }

    private static void execute(Path database, String... statements) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + database);
                Statement statement = duck.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
