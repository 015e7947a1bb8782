package io.featureduck.dataplane.storage;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

/**
 * How this process reaches object stores and where it keeps their files.
 *
 * @param cacheDirectory   where fetched data files are kept; null for a private directory removed on exit
 * @param cacheBytes       size limit of that directory
 * @param fetchParallelism concurrent downloads
 * @param environment      where credentials are looked up (the process environment, in a pod filled from the
 *                         store's credentials Secret)
 */
public record StorageSettings(Path cacheDirectory, long cacheBytes, int fetchParallelism,
                              Map<String, String> environment) {
    public static final long DEFAULT_CACHE_BYTES = 10L << 30;
    public static final int DEFAULT_FETCH_PARALLELISM = 8;

    public StorageSettings {
        environment = Map.copyOf(environment);
        if (cacheBytes <= 0) {
            throw new IllegalArgumentException("the file cache size must be positive, not " + cacheBytes);
        }
    }

    public static StorageSettings defaults() {
        return new StorageSettings(null, DEFAULT_CACHE_BYTES, DEFAULT_FETCH_PARALLELISM, System.getenv());
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
