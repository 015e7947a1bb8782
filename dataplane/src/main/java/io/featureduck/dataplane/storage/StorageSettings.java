package io.featureduck.dataplane.storage;

import io.fabric8.kubernetes.api.model.Quantity;
import io.featureduck.dataplane.config.DataPlaneConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

/**
 * How this process reaches object stores and where it keeps their files: the storage part of
 * {@link DataPlaneConfig}.
 *
 * @param cacheDirectory   where fetched data files are kept; null for a private directory removed on exit
 * @param cacheBytes       size limit of that directory
 * @param fetchParallelism concurrent downloads
 * @param environment      where credentials are looked up (the process environment, in a pod filled from the
 *                         store's credentials Secret)
 */
public record StorageSettings(
        Path cacheDirectory, long cacheBytes, int fetchParallelism, Map<String, String> environment) {
    public StorageSettings {
        environment = Map.copyOf(environment);
        if (cacheBytes <= 0) {
            throw new IllegalArgumentException("the file cache size must be positive, not " + cacheBytes);
        }
    }

    public static StorageSettings of(DataPlaneConfig config) {
        return new StorageSettings(
                config.fileCacheDirectory().orElse(null),
                config.fileCacheBytes(),
                config.fetchParallelism(),
                config.environment());
    }

    public static StorageSettings defaults() {
        return of(DataPlaneConfig.defaults());
    }

    public StorageSettings withCache(Path directory, long bytes) {
        return new StorageSettings(directory, bytes, fetchParallelism, environment);
    }

    public StorageSettings withEnvironment(Map<String, String> variables) {
        return new StorageSettings(cacheDirectory, cacheBytes, fetchParallelism, variables);
    }

    /** A size in Kubernetes quantity notation ({@code 10Gi}, {@code 500M}) or plain bytes, in bytes. */
    public static long parseSize(String size) {
        try {
            BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(size.trim()));
            return bytes.longValueExact();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + size + "' is not a size such as 10Gi or 500Mi", e);
        }
    }
}
