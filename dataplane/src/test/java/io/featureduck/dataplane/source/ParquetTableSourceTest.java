package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.online.EntityKeyIndex;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain Parquet written by DuckDB in Hive layout ({@code region=.../day=...}) is served with its partition values
 * typed from the paths, equal to DuckDB's own Hive reading of the files; a new file is picked up by an incremental
 * refresh, a removed one by a rebuild.
 */
class ParquetTableSourceTest {
    @TempDir
    Path directory;

    @Test
    void hivePartitionedFilesServeAsDuckDbReadsThem() throws Exception {
        Path events = directory.resolve("lakehouse/events");
        write(
                events,
                "SELECT range AS user_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (range) MINUTE AS ts, "
                        + "range * 0.5 AS amount, CASE WHEN range % 2 = 0 THEN 'eu' ELSE 'us' END AS region, "
                        + "DATE '2026-01-01' + CAST(range % 3 AS INTEGER) AS day FROM range(0, 300)",
                "region, day",
                "a");
        ServingConfig config = config("events", "user_id", "amount", "region", "day");
        ViewDefinition view = config.views().get(0);
        TableSnapshot snapshot = new TableSourceFactory().forView(view).latestSnapshot();
        assertThat(snapshot.column("region").orElseThrow().partition()).isTrue();
        assertThat(snapshot.column("day").orElseThrow().type())
                .isEqualTo(ColumnType.Primitive.of(ColumnType.Scalar.DATE));
        assertThat(snapshot.dataFiles()).hasSize(6);

        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()).load(view, snapshot);
        assertThat(index.size()).isEqualTo(300);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT user_id, amount, region, day::VARCHAR FROM read_parquet('"
                        + events + "/**/*.parquet', hive_partitioning = true)")) {
            while (rs.next()) {
                int row = index.rowOf(rs.getLong(1));
                assertThat(index.column(index.featurePosition("amount")).value(row))
                        .isEqualTo(rs.getDouble(2));
                assertThat(index.column(index.featurePosition("region")).value(row))
                        .isEqualTo(rs.getString(3));
                assertThat(index.column(index.featurePosition("day")).value(row).toString())
                        .isEqualTo(rs.getString(4));
            }
        }
    }

    @Test
    void aNewFileIsMergedAndARemovedOneRebuilds() throws Exception {
        Path events = directory.resolve("lakehouse/events");
        write(
                events,
                "SELECT range AS user_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS ts, 1.0 * range AS amount "
                        + "FROM range(0, 100)",
                null,
                "first");
        ServingConfig config = config("events", "user_id", "amount");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<Boolean> kinds = new ArrayList<>();
        try {
            ViewRegistry registry = new ViewRegistry(
                    config.views(),
                    new TableSourceFactory(),
                    new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()),
                    executor,
                    Clock.systemUTC());
            registry.addListener(new ViewRegistry.LoadListener() {
                @Override
                public void loaded(OnlineIndex index, Duration took, boolean incremental) {
                    kinds.add(incremental);
                }

                @Override
                public void failed(ViewDefinition view, String error) {
                    throw new AssertionError(error);
                }
            });
            registry.loadAll().join();
            Thread.sleep(20); // modification times are in milliseconds
            write(
                    events,
                    "SELECT range AS user_id, TIMESTAMPTZ '2026-01-02 00:00:00+00' AS ts, -1.0 * range AS amount "
                            + "FROM range(50, 150)",
                    null,
                    "second");
            registry.refresh("events").join();
            OnlineIndex merged = registry.view("events").orElseThrow().index().orElseThrow();
            assertThat(merged.size()).isEqualTo(150);
            assertThat(merged.column(0).value(merged.rowOf(60L))).isEqualTo(-60.0);
            assertThat(merged.column(0).value(merged.rowOf(10L))).isEqualTo(10.0);

            Thread.sleep(20);
            Files.delete(events.resolve("first.parquet"));
            registry.refresh("events").join();
            OnlineIndex rebuilt = registry.view("events").orElseThrow().index().orElseThrow();
            assertThat(rebuilt.size()).isEqualTo(100);
            assertThat(rebuilt.rowOf(10L)).isEqualTo(EntityKeyIndex.ABSENT);
        } finally {
            executor.shutdownNow();
        }
        assertThat(kinds).containsExactly(false, true, false);
    }

    private ServingConfig config(String table, String key, String... features) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: lake}
                spec:
                  lakehouse: {format: parquet, root: lakehouse}
                  dataPlane: {auth: {type: none}}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: events}
                spec:
                  store: lake
                """);
        yaml.append("  source: {path: ").append(table).append(", timestampColumn: ts}\n");
        yaml.append("  entities: [{name: ").append(key).append(", type: int64}]\n  features:\n");
        for (String feature : features) {
            String type = switch (feature) {
                case "amount" -> "float64";
                case "day" -> "date";
                default -> "string";
            };
            yaml.append("    - {name: ")
                    .append(feature)
                    .append(", type: ")
                    .append(type)
                    .append("}\n");
        }
        Path file = directory.resolve("store.yaml");
        Files.writeString(file, yaml);
        return new ServingConfigLoader().load(file);
    }

    private static void write(Path directory, String select, String partitionBy, String name) throws Exception {
        Files.createDirectories(directory);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (" + select + ") TO '"
                    + (partitionBy == null ? directory.resolve(name + ".parquet") : directory) + "' (FORMAT parquet"
                    + (partitionBy == null
                            ? ""
                            : ", PARTITION_BY (" + partitionBy + "), FILENAME_PATTERN '" + name + "_{i}'")
                    + ")");
        }
    }
}
