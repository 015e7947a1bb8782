package io.featureduck.dataplane.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.location.ObjectPath;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.source.DeltaTableSource;
import io.featureduck.dataplane.source.LocalSnapshot;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google Cloud Storage. No GCS protocol emulator can be installed here, so the store is tested against the client
 * library's own in-memory double ({@code LocalStorageHelper}, shipped by Google for exactly this) and for how its
 * client is configured; the real service and its HTTP protocol are untested here.
 */
class GcsObjectStoreTest {
    @TempDir
    Path temp;

    @Test
    void aDeltaTableInABucketReadsAsFromLocalDisk() throws Exception {
        Storage fake = LocalStorageHelper.getOptions().getService();
        Path local = SharedTestData.delta("basic-with-inserts-deletes-checkpoint");
        try (Stream<Path> files = Files.walk(local)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = "tables/basic/" + local.relativize(file);
                fake.create(BlobInfo.newBuilder(BlobId.of("lake", key)).build(), Files.readAllBytes(file));
            }
        }
        ObjectStoreSettings settings = new ObjectStoreSettings(ObjectStoreSpec.none(), Map.of());
        try (ObjectStores stores = new ObjectStores(settings, service -> new GcsObjectStore(settings, fake));
                DataFileCache cache =
                        new DataFileCache(temp.resolve("cache"), 1L << 30, stores, 2, new SimpleMeterRegistry())) {
            Configuration hadoop = TableSourceFactory.hadoopConfiguration();
            stores.configure(hadoop);
            TableSnapshot remote = new DeltaTableSource(
                            DefaultEngine.create(hadoop), TableLocation.of("gs://lake/tables/basic"))
                    .latestSnapshot();
            TableSnapshot expected = new DeltaTableSource(
                            DefaultEngine.create(TableSourceFactory.hadoopConfiguration()), local)
                    .latestSnapshot();

            assertThat(remote.version()).isEqualTo(expected.version());
            assertThat(remote.dataFiles())
                    .hasSameSizeAs(expected.dataFiles())
                    .allSatisfy(f -> assertThat(f.path()).startsWith("gs://lake/tables/basic/"));
            try (LocalSnapshot copies = LocalSnapshot.of(remote, cache)) {
                assertThat(SnapshotRows.read(copies.snapshot(), List.of(cache.directory())))
                        .containsExactlyInAnyOrderElementsOf(SnapshotRows.read(expected, List.of(local)));
            }
            assertThatThrownBy(() ->
                            stores.forPath(ObjectPath.parse("gs://lake/none")).stat(ObjectPath.parse("gs://lake/none")))
                    .isInstanceOf(java.io.FileNotFoundException.class)
                    .hasMessageContaining("gs://lake/none");
        }
    }

    @Test
    void theClientTakesEndpointProjectAndServiceAccountKeyFromTheStore() {
        ObjectStoreSettings settings = new ObjectStoreSettings(
                new ObjectStoreSpec(null, null, new ObjectStoreSpec.Gcs("http://127.0.0.1:4443", "feature-project")),
                Map.of());
        Storage client = GcsObjectStore.client(settings);
        assertThat(client.getOptions().getHost()).isEqualTo("http://127.0.0.1:4443");
        assertThat(client.getOptions().getProjectId()).isEqualTo("feature-project");

        ObjectStoreSettings broken = new ObjectStoreSettings(
                ObjectStoreSpec.none(),
                Map.of(ObjectStoreSettings.GOOGLE_SERVICE_ACCOUNT_JSON, "{\"type\": \"not-a-key\"}"));
        assertThatThrownBy(() -> GcsObjectStore.client(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ObjectStoreSettings.GOOGLE_SERVICE_ACCOUNT_JSON)
                .hasMessageNotContaining("not-a-key");
    }
}
