package io.featureduck.dataplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.source.ColumnType;
import io.featureduck.dataplane.source.LocalSnapshot;
import io.featureduck.dataplane.source.ParquetTableSource;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain Parquet in a bucket: Hive-partitioned files listed through the object store read as from local disk, and a
 * refresh follows a new file (merged) and a removed one (rebuilt), although a bucket keeps no directory times.
 */
class S3ParquetTest {
    private static final String BUCKET = "files";

    @TempDir
    Path temp;

    private S3TestServer server;
    private ObjectStores stores;
    private DataFileCache cache;
    private Configuration hadoop;

    @BeforeEach
    void start() throws Exception {
        server = S3TestServer.start(Files.createDirectories(temp.resolve("s3")));
        server.createBucket(BUCKET);
        stores = new ObjectStores(new ObjectStoreSettings(server.options(), S3TestServer.credentials()));
        cache = new DataFileCache(temp.resolve("cache"), 1L << 30, stores, 4, new SimpleMeterRegistry());
        hadoop = TableSourceFactory.hadoopConfiguration();
        stores.configure(hadoop);
    }

    @AfterEach
    void stop() {
        cache.close();
        stores.close();
        server.close();
    }

    @Test
    void hivePartitionedFilesInABucketReadAsFromLocalDisk() throws Exception {
        Path events = temp.resolve("local/events");
        write(
                events,
                "SELECT range AS user_id, range * 0.5 AS amount, CASE WHEN range % 2 = 0 THEN 'eu' ELSE 'us' END"
                        + " AS region, DATE '2026-01-01' + CAST(range % 3 AS INTEGER) AS day FROM range(0, 300)",
                "PARTITION_BY (region, day)",
                "");
        server.upload(events, BUCKET, "lake/events");
        TableSnapshot local = new ParquetTableSource(
                        new TableLocation(events), TableSourceFactory.hadoopConfiguration())
                .latestSnapshot();
        TableSnapshot remote =
                new ParquetTableSource(TableLocation.of("s3://" + BUCKET + "/lake/events"), hadoop).latestSnapshot();

        assertThat(remote.columns()).isEqualTo(local.columns());
        assertThat(remote.column("day").orElseThrow().type())
                .isEqualTo(ColumnType.Primitive.of(ColumnType.Scalar.DATE));
        assertThat(remote.dataFiles())
                .hasSize(6)
                .allSatisfy(f -> assertThat(f.path()).startsWith("s3://" + BUCKET));
        List<java.util.Map<String, Object>> expected = SnapshotRows.read(local, List.of(events));
        try (LocalSnapshot copies = LocalSnapshot.of(remote, cache)) {
            assertThat(SnapshotRows.read(copies.snapshot(), List.of(cache.directory())))
                    .hasSize(300)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }

        TableSnapshot onlyEu = new ParquetTableSource(
                        TableLocation.of("s3://" + BUCKET + "/lake/events/region=eu/*/*.parquet"), hadoop)
                .latestSnapshot();
        assertThat(onlyEu.dataFiles())
                .hasSize(3)
                .allSatisfy(f -> assertThat(f.path()).contains("/region=eu/"));
    }

    @Test
    void aNewFileIsMergedAndARemovedOneRebuildsFromABucket() throws Exception {
        Path events = temp.resolve("local/events");
        write(
                events,
                "SELECT range AS user_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS ts, 1.0 * range AS amount"
                        + " FROM range(0, 100)",
                "",
                "first.parquet");
        server.upload(events, BUCKET, "lake/events");
        ViewDefinition view = new ViewDefinition(
                "events",
                TableFormat.PARQUET,
                TableLocation.of("s3://" + BUCKET + "/lake/events"),
                "ts",
                null,
                List.of(new EntitySpec("user_id", ValueType.INT64)),
                List.of(new FeatureSpec("amount", ValueType.FLOAT64)),
                Optional.empty(),
                true,
                Optional.empty());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            ViewRegistry registry = new ViewRegistry(
                    List.of(view),
                    new TableSourceFactory(stores),
                    new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC(), cache),
                    executor,
                    Clock.systemUTC());
            registry.loadAll().join();
            assertThat(index(registry).size()).isEqualTo(100);

            Thread.sleep(1100); // object modification times have a resolution of a second here
            Path second = temp.resolve("second");
            write(
                    second,
                    "SELECT range AS user_id, TIMESTAMPTZ '2026-01-02 00:00:00+00' AS ts, -1.0 * range AS amount"
                            + " FROM range(50, 150)",
                    "",
                    "second.parquet");
            server.put(BUCKET, "lake/events/second.parquet", second.resolve("second.parquet"));
            registry.refresh("events").join();
            assertThat(index(registry).size()).isEqualTo(150);
            assertThat(index(registry).column(0).value(index(registry).rowOf(60L)))
                    .isEqualTo(-60.0);

            // Removing the older file leaves the newest time, and so the version, as it was.
            long version = index(registry).tableVersion();
            server.delete(BUCKET, "lake/events/first.parquet");
            registry.refresh("events").join();
            OnlineIndex rebuilt = index(registry);
            assertThat(rebuilt.tableVersion()).isEqualTo(version);
            assertThat(rebuilt.size()).isEqualTo(100);
            assertThat(rebuilt.rowOf(10L)).isEqualTo(EntityKeyIndex.ABSENT);
            assertThat(registry.view("events").orElseThrow().lastError()).isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }

    private static OnlineIndex index(ViewRegistry registry) {
        return registry.view("events").orElseThrow().index().orElseThrow();
    }

    /** {@code select} written by DuckDB under {@code directory}: partitioned, or as the file {@code name}. */
    private static void write(Path directory, String select, String partitioning, String name) throws Exception {
        Files.createDirectories(directory);
        // Writing partitioned output needs the file-system access FeatureDuck's own sessions switch off.
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement statement = duck.createStatement()) {
            String target = partitioning.isEmpty() ? directory.resolve(name).toString() : directory.toString();
            statement.execute("COPY (" + select + ") TO '" + target + "' (FORMAT parquet"
                    + (partitioning.isEmpty() ? "" : ", " + partitioning) + ")");
        }
    }
}
