package io.featureduck.dataplane.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.featureduck.crds.PathRewrite;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.source.DeltaTableSource;
import io.featureduck.dataplane.source.HudiTableSource;
import io.featureduck.dataplane.source.IcebergTableSource;
import io.featureduck.dataplane.source.LocalSnapshot;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceException;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Delta, an Iceberg and a Hudi table uploaded to Azurite (the Azure Blob protocol), read through {@code az://} and
 * {@code abfss://} locations exactly as from local disk.
 */
class AzureBlobTablesTest {
    private static final String CONTAINER = "lakehouse";
    private static final String DELTA = "dv-partitioned-with-checkpoint";
    private static final String ICEBERG = "spark-v2-equality-deletes-partitioned";
    private static final String HUDI = "cow/v9_txns_simple_overwrite";
    private static final String ICEBERG_WRITTEN_AT =
            "data/persistent/equality_deletes/warehouse/mydb/mytable_partitioned/";

    @TempDir
    static Path temp;

    private static AzuriteServer server;
    private static ObjectStores stores;
    private static DataFileCache cache;
    private static Configuration hadoop;

    @BeforeAll
    static void upload() throws Exception {
        server = AzuriteServer.start(Files.createDirectories(temp.resolve("azurite")));
        server.createContainer(CONTAINER);
        server.upload(SharedTestData.delta(DELTA), CONTAINER, "delta/" + DELTA);
        server.upload(SharedTestData.iceberg(ICEBERG), CONTAINER, "iceberg/" + ICEBERG);
        server.upload(SharedTestData.hudi(HUDI), CONTAINER, "hudi/" + HUDI);
        stores = new ObjectStores(new ObjectStoreSettings(server.options(), AzuriteServer.credentials()));
        cache = new DataFileCache(temp.resolve("cache"), 1L << 30, stores, 4, new SimpleMeterRegistry());
        hadoop = TableSourceFactory.hadoopConfiguration();
        stores.configure(hadoop);
    }

    @AfterAll
    static void stop() {
        if (cache != null) {
            cache.close();
            stores.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deltaTableOnAzureReadsAsFromLocalDisk() throws Exception {
        Path local = SharedTestData.delta(DELTA);
        TableSnapshot expected = new DeltaTableSource(
                        DefaultEngine.create(TableSourceFactory.hadoopConfiguration()), local)
                .latestSnapshot();
        for (String uri : List.of(
                "az://" + CONTAINER + "/delta/" + DELTA,
                "abfss://" + CONTAINER + "@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/delta/" + DELTA)) {
            TableSnapshot remote =
                    new DeltaTableSource(DefaultEngine.create(hadoop), TableLocation.of(uri)).latestSnapshot();
            assertSameRows(expected, local, remote, uri);
        }
    }

    @Test
    void icebergTableOnAzureReadsAsFromLocalDisk() throws Exception {
        Path local = SharedTestData.iceberg(ICEBERG);
        TableSnapshot expected = new IcebergTableSource(
                        new TableLocation(local, List.of(new PathRewrite(ICEBERG_WRITTEN_AT, local + "/"))),
                        TableSourceFactory.hadoopConfiguration())
                .latestSnapshot();
        String uri = "az://" + CONTAINER + "/iceberg/" + ICEBERG;
        TableSnapshot remote = new IcebergTableSource(
                        TableLocation.of(uri).withRewrites(List.of(new PathRewrite(ICEBERG_WRITTEN_AT, uri + "/"))),
                        hadoop)
                .latestSnapshot();
        assertThat(remote.commitTime()).isEqualTo(expected.commitTime());
        assertSameRows(expected, local, remote, uri);
    }

    @Test
    void hudiTableOnAzureReadsAsFromLocalDisk() throws Exception {
        Path local = SharedTestData.hudi(HUDI);
        TableSnapshot expected = new HudiTableSource(new TableLocation(local), TableSourceFactory.hadoopConfiguration())
                .latestSnapshot();
        for (String uri : List.of(
                "az://" + CONTAINER + "/hudi/" + HUDI,
                "abfss://" + CONTAINER + "@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/hudi/" + HUDI)) {
            TableSnapshot remote = new HudiTableSource(TableLocation.of(uri), hadoop).latestSnapshot();
            assertThat(remote.commitTime()).isEqualTo(expected.commitTime());
            assertSameRows(expected, local, remote, uri);
        }
    }

    private static void assertSameRows(TableSnapshot expected, Path local, TableSnapshot remote, String uri)
            throws Exception {
        assertThat(remote.version()).isEqualTo(expected.version());
        assertThat(remote.columns()).isEqualTo(expected.columns());
        assertThat(remote.deletedRowCount()).isEqualTo(expected.deletedRowCount());
        assertThat(remote.dataFiles())
                .hasSameSizeAs(expected.dataFiles())
                .allSatisfy(f -> assertThat(f.path()).startsWith(uri + "/"));
        try (LocalSnapshot copies = LocalSnapshot.of(remote, cache)) {
            assertThat(SnapshotRows.read(copies.snapshot(), List.of(cache.directory())))
                    .containsExactlyInAnyOrderElementsOf(SnapshotRows.read(expected, List.of(local)));
        }
    }

    @Test
    void aWrongAccountKeyIsAccessDeniedWithoutTheKey() {
        String wrongKey = java.util.Base64.getEncoder().encodeToString("not-the-account-key-at-all".getBytes());
        try (ObjectStores wrong = new ObjectStores(new ObjectStoreSettings(
                server.options(), Map.of(ObjectStoreSettings.AZURE_STORAGE_ACCOUNT_KEY, wrongKey)))) {
            Configuration conf = TableSourceFactory.hadoopConfiguration();
            wrong.configure(conf);
            TableSource source = new DeltaTableSource(
                    DefaultEngine.create(conf), TableLocation.of("az://" + CONTAINER + "/delta/" + DELTA));
            assertThatThrownBy(source::latestSnapshot)
                    .isInstanceOf(TableSourceException.class)
                    .hasMessageContaining("access denied")
                    .hasMessageNotContaining(wrongKey);
        }
    }
}
