package io.featureduck.dataplane.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.PathRewrite;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.source.DeltaTableSource;
import io.featureduck.dataplane.source.HudiTableSource;
import io.featureduck.dataplane.source.IcebergTableSource;
import io.featureduck.dataplane.source.LocalSnapshot;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceException;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Delta, Iceberg and Hudi tables written by Spark, delta-rs and pyiceberg, uploaded to a real S3 protocol server, read
 * through the formats' own libraries on {@link ObjectStoreFileSystem} and by DuckDB from the file cache: the same
 * versions, files and rows as from local disk.
 */
class S3TablesTest {
    private static final String BUCKET = "lakehouse";

    @TempDir
    static Path temp;

    private static S3TestServer server;
    private static ObjectStores stores;
    private static SimpleMeterRegistry meters;
    private static DataFileCache cache;
    private static Configuration hadoop;

    @BeforeAll
    static void upload() throws Exception {
        server = S3TestServer.start(Files.createDirectories(temp.resolve("s3")));
        server.createBucket(BUCKET);
        for (String table : deltaTables().map(a -> (String) a.get()[0]).toList()) {
            server.upload(SharedTestData.delta(table), BUCKET, "delta/" + table);
        }
        for (Arguments arguments : icebergTables().toList()) {
            String table = (String) arguments.get()[0];
            server.upload(SharedTestData.iceberg(table), BUCKET, "iceberg/" + table);
        }
        for (String table : hudiTables().toList()) {
            server.upload(SharedTestData.hudi(table), BUCKET, "hudi/" + table);
        }
        stores = new ObjectStores(new ObjectStoreSettings(server.options(), S3TestServer.credentials()));
        meters = new SimpleMeterRegistry();
        cache = new DataFileCache(temp.resolve("cache"), 1L << 30, stores, 4, meters);
        hadoop = TableSourceFactory.hadoopConfiguration();
        stores.configure(hadoop);
    }

    @AfterAll
    static void stop() {
        cache.close();
        stores.close();
        server.close();
    }

    static Stream<String> deltaTableNames() {
        return deltaTables().map(a -> (String) a.get()[0]);
    }

    static Stream<Arguments> deltaTables() {
        return Stream.of(
                Arguments.of("basic-with-inserts-deletes-checkpoint"),
                Arguments.of("dv-partitioned-with-checkpoint"),
                Arguments.of("table-with-columnmapping-mode-name"),
                Arguments.of("v2-checkpoint-parquet"),
                Arguments.of("delta-rs-partition-type-primitives"));
    }

    static Stream<Arguments> icebergTables() {
        return Stream.of(
                Arguments.of(
                        "spark-v2-equality-deletes-partitioned",
                        "data/persistent/equality_deletes/warehouse/mydb/mytable_partitioned/"),
                Arguments.of("spark-lineitem-v2-overwrite", "lineitem_iceberg/"),
                Arguments.of(
                        "pyiceberg-day-partitioned-map", "file://data/persistent/map_stats/default.db/map_stats/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deltaTableNames")
    void deltaTableOnS3ReadsAsFromLocalDisk(String table) throws Exception {
        Path local = SharedTestData.delta(table);
        TableSource localSource =
                new DeltaTableSource(DefaultEngine.create(TableSourceFactory.hadoopConfiguration()), local);
        TableSource remoteSource = new DeltaTableSource(
                DefaultEngine.create(hadoop), TableLocation.of("s3://" + BUCKET + "/delta/" + table));

        // A Delta commit's time is its log file's modification time, which on S3 is when it was uploaded.
        assertSameTable(localSource.latestSnapshot(), List.of(local), remoteSource.latestSnapshot(), false);
        // Time travel reads the log on S3 too.
        assertSameTable(localSource.snapshotAt(0), List.of(local), remoteSource.snapshotAt(0), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("icebergTables")
    void icebergTableOnS3ReadsAsFromLocalDisk(String table, String writtenAt) throws Exception {
        Path local = SharedTestData.iceberg(table);
        TableSource localSource = new IcebergTableSource(
                new TableLocation(local, List.of(new PathRewrite(writtenAt, local + "/"))),
                TableSourceFactory.hadoopConfiguration());
        String remote = "s3://" + BUCKET + "/iceberg/" + table;
        TableSource remoteSource = new IcebergTableSource(
                TableLocation.of(remote).withRewrites(List.of(new PathRewrite(writtenAt, remote + "/"))), hadoop);

        assertSameTable(localSource.latestSnapshot(), List.of(local), remoteSource.latestSnapshot(), true);
    }

    static Stream<String> hudiTables() {
        return Stream.of(
                "cow/v6_complexkeygen_hivestyle",
                "cow/v6_simplekeygen_nonhivestyle_overwritetable",
                "cow/v8_nonpartitioned",
                "cow/v9_txns_simple_meta",
                "cow/v9_timebasedkeygen_nonhivestyle");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hudiTables")
    void hudiTableOnS3ReadsAsFromLocalDisk(String table) throws Exception {
        Path local = SharedTestData.hudi(table);
        TableSource localSource =
                new HudiTableSource(new TableLocation(local), TableSourceFactory.hadoopConfiguration());
        TableSource remoteSource = new HudiTableSource(TableLocation.of("s3://" + BUCKET + "/hudi/" + table), hadoop);

        TableSnapshot latest = localSource.latestSnapshot();
        assertSameTable(latest, List.of(local), remoteSource.latestSnapshot(), true);
        // Time travel and "as of" read the timeline on S3 too.
        assertThat(remoteSource.versionAsOf(latest.commitTime().plusSeconds(3600)))
                .hasValue(latest.version());
        assertThat(remoteSource.versionAsOf(java.time.Instant.EPOCH)).isEmpty();
        assertSameTable(
                localSource.snapshotAt(latest.version()),
                List.of(local),
                remoteSource.snapshotAt(latest.version()),
                true);
    }

    private static void assertSameTable(
            TableSnapshot local, List<Path> localRoots, TableSnapshot remote, boolean sameCommitTime) throws Exception {
        assertThat(remote.version()).isEqualTo(local.version());
        if (sameCommitTime) {
            assertThat(remote.commitTime()).isEqualTo(local.commitTime());
        }
        assertThat(remote.columns()).isEqualTo(local.columns());
        assertThat(remote.dataFiles()).hasSameSizeAs(local.dataFiles());
        assertThat(remote.deletedRowCount()).isEqualTo(local.deletedRowCount());
        assertThat(remote.dataFiles()).allSatisfy(f -> assertThat(f.path()).startsWith("s3://" + BUCKET + "/"));
        List<Map<String, Object>> expected = SnapshotRows.read(local, localRoots);
        try (LocalSnapshot copies = LocalSnapshot.of(remote, cache)) {
            assertThat(copies.snapshot().dataFiles())
                    .allSatisfy(f -> assertThat(Path.of(f.path())).startsWith(cache.directory()));
            assertThat(SnapshotRows.read(copies.snapshot(), List.of(cache.directory())))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void cachedFilesAreReusedAndARewrittenObjectIsFetchedAgain() throws Exception {
        Path local = temp.resolve("rewritten.parquet");
        writeParquet(local, 1);
        server.put(BUCKET, "loose/rewritten.parquet", local);
        TableSnapshot snapshot = new TableSnapshot(
                "s3://" + BUCKET + "/loose",
                1,
                java.time.Instant.EPOCH,
                List.of(),
                List.of(new io.featureduck.dataplane.source.DataFile(
                        "s3://" + BUCKET + "/loose/rewritten.parquet", Files.size(local), Map.of(), new long[0])));
        double hitsBefore = meters.counter("featureduck_file_cache_requests", "result", "hit")
                .count();

        assertThat(valueIn(snapshot)).isEqualTo(1);
        assertThat(valueIn(snapshot)).isEqualTo(1);
        assertThat(meters.counter("featureduck_file_cache_requests", "result", "hit")
                        .count())
                .isEqualTo(hitsBefore + 1);

        // Same name, new content: the new ETag is a new cache key.
        writeParquet(local, 2);
        server.put(BUCKET, "loose/rewritten.parquet", local);
        assertThat(valueIn(snapshot)).isEqualTo(2);
    }

    // The snapshots are held open only to pin their files in the cache; their bodies do not read them.
    @SuppressWarnings("try")
    @Test
    void leastRecentlyUsedFilesMakeRoomAndAFileLargerThanTheCacheIsRefusedWithTheLimit() throws Exception {
        Path file = temp.resolve("small.parquet");
        writeParquet(file, 7);
        long size = Files.size(file);
        for (String name : List.of("a", "b", "c")) {
            server.put(BUCKET, "lru/" + name + ".parquet", file);
        }
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        try (DataFileCache small = new DataFileCache(temp.resolve("small-cache"), 2 * size, stores, 2, own)) {
            for (String name : List.of("a", "b", "c")) {
                try (LocalSnapshot ignored = LocalSnapshot.of(single("lru/" + name + ".parquet", size), small)) {
                    assertThat(small.cachedBytes()).isLessThanOrEqualTo(2 * size);
                }
            }
            assertThat(own.counter("featureduck_file_cache_evictions").count()).isEqualTo(1);
            try (Stream<Path> kept = Files.list(small.directory())) {
                assertThat(kept.count()).isEqualTo(2);
            }
            // Two pinned files fill it: a third cannot be fetched beside them.
            try (LocalSnapshot pinned = LocalSnapshot.of(
                    new TableSnapshot(
                            "s3://" + BUCKET + "/lru",
                            1,
                            java.time.Instant.EPOCH,
                            List.of(),
                            List.of(dataFile("lru/a.parquet", size), dataFile("lru/b.parquet", size))),
                    small)) {
                assertThatThrownBy(() -> LocalSnapshot.of(single("lru/c.parquet", size), small))
                        .isInstanceOf(FeatureDuckException.class)
                        .hasMessageContaining("s3://" + BUCKET + "/lru/c.parquet")
                        .hasMessageContaining("raise spec.dataPlane.fileCacheSize");
            }
        }
    }

    @Test
    void aRestartedDataPlaneFindsItsCachedFilesAgain() throws Exception {
        Path file = temp.resolve("kept.parquet");
        writeParquet(file, 3);
        server.put(BUCKET, "kept/a.parquet", file);
        Path directory = temp.resolve("kept-cache");
        try (DataFileCache first = new DataFileCache(directory, 1L << 20, stores, 1, new SimpleMeterRegistry())) {
            LocalSnapshot.of(single("kept/a.parquet", Files.size(file)), first).close();
        }
        Files.writeString(directory.resolve("0123456789012345678901234567890123456789.part-1"), "half a download");
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        try (DataFileCache second = new DataFileCache(directory, 1L << 20, stores, 1, own)) {
            assertThat(second.cachedBytes()).isEqualTo(Files.size(file));
            LocalSnapshot.of(single("kept/a.parquet", Files.size(file)), second).close();
            assertThat(own.counter("featureduck_file_cache_requests", "result", "hit")
                            .count())
                    .isEqualTo(1);
            assertThat(own.counter("featureduck_file_cache_fetched_bytes").count())
                    .isZero();
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".part-"));
            }
        }
    }

    @Test
    void anIcebergViewLoadedFromS3HoldsWhatItHoldsFromLocalDisk() {
        String table = "spark-v2-equality-deletes-partitioned";
        String writtenAt = "data/persistent/equality_deletes/warehouse/mydb/mytable_partitioned/";
        Path local = SharedTestData.iceberg(table);
        String remote = "s3://" + BUCKET + "/iceberg/" + table;
        OnlineIndex fromDisk = loadView(
                new TableLocation(local, List.of(new PathRewrite(writtenAt, local + "/"))),
                TableSourceFactory.hadoopConfiguration(),
                DataFileCache.localOnly());
        OnlineIndex fromS3 = loadView(
                TableLocation.of(remote).withRewrites(List.of(new PathRewrite(writtenAt, remote + "/"))),
                hadoop,
                cache);

        assertThat(fromS3.size()).isEqualTo(fromDisk.size()).isEqualTo(3);
        assertThat(fromS3.tableVersion()).isEqualTo(fromDisk.tableVersion());
        for (long id = 0; id <= 10; id++) {
            int diskRow = fromDisk.rowOf(id);
            int s3Row = fromS3.rowOf(id);
            assertThat(s3Row == EntityKeyIndex.ABSENT).as("id %d", id).isEqualTo(diskRow == EntityKeyIndex.ABSENT);
            if (diskRow != EntityKeyIndex.ABSENT) {
                for (int feature = 0; feature < 2; feature++) {
                    assertThat(fromS3.column(feature).value(s3Row))
                            .isEqualTo(fromDisk.column(feature).value(diskRow));
                }
            }
        }
    }

    private static OnlineIndex loadView(TableLocation location, Configuration conf, DataFileCache files) {
        ViewDefinition view = new ViewDefinition(
                "people",
                TableFormat.ICEBERG,
                location,
                null,
                null,
                List.of(new EntitySpec("id", ValueType.INT32)),
                List.of(new FeatureSpec("name", ValueType.STRING), new FeatureSpec("bir", ValueType.DATE)),
                Optional.empty(),
                true,
                Optional.empty());
        return new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC(), files)
                .load(view, new IcebergTableSource(location, conf));
    }

    @Test
    void aDataFileMissingFromTheBucketFailsNamingIt() {
        TableSnapshot snapshot = single("gone/part-0.parquet", 100);
        assertThatThrownBy(() -> LocalSnapshot.of(snapshot, cache))
                .isInstanceOf(FeatureDuckException.class)
                .hasMessageContaining("s3://" + BUCKET + "/gone/part-0.parquet")
                .hasMessageContaining("no such object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"delta", "iceberg"})
    void aMissingTableIsReportedWithItsLocation(String format) {
        TableLocation missing = TableLocation.of("s3://" + BUCKET + "/nowhere/" + format);
        TableSource source = format.equals("delta")
                ? new DeltaTableSource(DefaultEngine.create(hadoop), missing)
                : new IcebergTableSource(missing, hadoop);
        assertThatThrownBy(source::latestSnapshot)
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("s3://" + BUCKET + "/nowhere/" + format)
                .hasMessageContaining("not found");
    }

    @Test
    void wrongCredentialsAreReportedAsSuchWithoutTheSecret() {
        try (ObjectStores wrong = new ObjectStores(new ObjectStoreSettings(
                server.options(),
                Map.of(
                        ObjectStoreSettings.AWS_ACCESS_KEY_ID,
                        S3TestServer.ACCESS_KEY,
                        ObjectStoreSettings.AWS_SECRET_ACCESS_KEY,
                        "wrong-secret-value-1234")))) {
            Configuration conf = TableSourceFactory.hadoopConfiguration();
            wrong.configure(conf);
            TableSource source = new DeltaTableSource(
                    DefaultEngine.create(conf),
                    TableLocation.of("s3://" + BUCKET + "/delta/basic-with-inserts-updates"));
            assertThatThrownBy(source::latestSnapshot)
                    .isInstanceOf(TableSourceException.class)
                    .hasMessageContaining("access denied")
                    .satisfies(e -> assertThat(fullText(e))
                            .doesNotContain("wrong-secret-value-1234")
                            .doesNotContain(S3TestServer.SECRET_KEY));
        }
    }

    private static String fullText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    private static TableSnapshot single(String key, long size) {
        return new TableSnapshot(
                "s3://" + BUCKET + "/lru", 1, java.time.Instant.EPOCH, List.of(), List.of(dataFile(key, size)));
    }

    private static io.featureduck.dataplane.source.DataFile dataFile(String key, long size) {
        return new io.featureduck.dataplane.source.DataFile("s3://" + BUCKET + "/" + key, size, Map.of(), new long[0]);
    }

    private static long valueIn(TableSnapshot snapshot) throws Exception {
        try (LocalSnapshot copies = LocalSnapshot.of(snapshot, cache)) {
            String path = copies.snapshot().dataFiles().get(0).path();
            try (var session = io.featureduck.dataplane.duckdb.DuckDbSession.open(
                            io.featureduck.dataplane.duckdb.DuckDbSettings.defaults(), List.of(cache.directory()));
                    var statement = session.connection().createStatement();
                    var rs = statement.executeQuery("SELECT v FROM read_parquet('" + path + "')")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void writeParquet(Path file, long value) throws Exception {
        Files.deleteIfExists(file);
        try (var session = io.featureduck.dataplane.duckdb.DuckDbSession.open(
                io.featureduck.dataplane.duckdb.DuckDbSettings.defaults(), List.of(file.getParent()))) {
            session.execute("COPY (SELECT " + value + "::BIGINT AS v, repeat('x', 100) AS pad) TO '" + file
                    + "' (FORMAT parquet)");
        }
        assertThat(new String(Files.readAllBytes(file), 0, 4, StandardCharsets.US_ASCII))
                .isEqualTo("PAR1");
    }
}
