package io.featureduck.dataplane.storage;

import io.featureduck.crds.location.ObjectPath;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;

/**
 * The object stores one data plane reads, one client per service, opened on first use and shared by every table
 * library: Delta Kernel, Iceberg and parquet-java reach them through {@link ObjectStoreFileSystem}, which Hadoop
 * creates by class name; the configuration carries this instance's id so that each file system finds its clients.
 */
public final class ObjectStores implements AutoCloseable {
    static final String ID_KEY = "featureduck.object-stores.id";
    private static final Map<String, ObjectStores> OPEN = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final ObjectStoreSettings settings;
    private final Function<ObjectPath.Service, ObjectStore> factory;
    private final Map<ObjectPath.Service, ObjectStore> stores = new EnumMap<>(ObjectPath.Service.class);

    public ObjectStores(ObjectStoreSettings settings) {
        this(settings, service -> switch (service) {
            case S3 -> new S3ObjectStore(settings);
            case AZURE -> new AzureBlobObjectStore(settings);
            case GCS -> new GcsObjectStore(settings);
        });
    }

    /** Stores made by {@code factory}, for a store whose client is built elsewhere (such as a test double). */
    ObjectStores(ObjectStoreSettings settings, Function<ObjectPath.Service, ObjectStore> factory) {
        this.settings = settings;
        this.factory = factory;
        OPEN.put(id, this);
    }

    public ObjectStoreSettings settings() {
        return settings;
    }

    public synchronized ObjectStore forPath(ObjectPath path) {
        return stores.computeIfAbsent(path.service(), factory);
    }

    /** Hadoop settings under which every supported scheme is read through these stores. */
    public void configure(Configuration hadoop) {
        hadoop.set(ID_KEY, id);
        for (String scheme : new String[] {"s3", "s3a", "gs", "abfs", "abfss", "wasb", "wasbs", "az"}) {
            hadoop.set("fs." + scheme + ".impl", ObjectStoreFileSystem.class.getName());
            // A file system is a cheap view of these shared clients, and Hadoop's cache would ignore the id.
            hadoop.setBoolean("fs." + scheme + ".impl.disable.cache", true);
        }
    }

    static ObjectStores lookup(Configuration hadoop) {
        String key = hadoop.get(ID_KEY);
        ObjectStores stores = key == null ? null : OPEN.get(key);
        if (stores == null) {
            throw new IllegalStateException("object-store access is not configured for this reader");
        }
        return stores;
    }

    @Override
    public synchronized void close() {
        OPEN.remove(id);
        stores.values().forEach(ObjectStore::close);
        stores.clear();
    }
}
