package io.featureduck.dataplane.storage;

import io.featureduck.crds.LakehouseSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The object stores of one FeatureStore's lakehouse and the local cache of their files, opened together. */
public final class LakehouseStorage implements AutoCloseable {
    private final ObjectStores stores;
    private final DataFileCache files;
    private final Path privateDirectory;

    private LakehouseStorage(ObjectStores stores, DataFileCache files, Path privateDirectory) {
        this.stores = stores;
        this.files = files;
        this.privateDirectory = privateDirectory;
    }

    public static LakehouseStorage open(LakehouseSpec lakehouse, StorageSettings settings, MeterRegistry meters) {
        ObjectStores stores =
                new ObjectStores(new ObjectStoreSettings(lakehouse.effectiveObjectStores(), settings.environment()));
        Path privateDirectory = null;
        Path directory = settings.cacheDirectory();
        if (directory == null) {
            try {
                privateDirectory = Files.createTempDirectory("featureduck-files-");
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a file cache directory: " + e.getMessage(), e);
            }
            directory = privateDirectory;
        }
        return new LakehouseStorage(
                stores,
                new DataFileCache(directory, settings.cacheBytes(), stores, settings.fetchParallelism(), meters),
                privateDirectory);
    }

    public ObjectStores stores() {
        return stores;
    }

    public DataFileCache files() {
        return files;
    }

    @Override
    public void close() {
        files.close();
        stores.close();
        if (privateDirectory != null) {
            try (Stream<Path> tree = Files.walk(privateDirectory)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temporary directory left behind is the operating system's to clean.
            }
        }
    }
}
