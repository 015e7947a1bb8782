package io.featureduck.dataplane.config;

import io.featureduck.crds.DataPlaneSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of one data-plane process, resolved once at start from the store's {@code spec.dataPlane} in the
 * serving file and the command line; components read their settings from here and nowhere else. The store's
 * settings are fixed for the life of the process (the operator rolls the pods when they change).
 *
 * @param host                   interface to bind
 * @param port                   HTTP port (0: any free port)
 * @param maxBatchEntities       most entities one online request may ask for
 * @param maxBodyBytes           largest online request body accepted
 * @param maxHistoricalBodyBytes largest historical request (entity rows) accepted; it streams to disk, not memory
 * @param retryAfter             what {@code Retry-After} tells clients of retryable errors
 * @param refreshTick            how often views are checked for a due refresh or retry (each view's own interval
 *                               decides when its table is read)
 * @param configReloadInterval   how often the serving file is checked for changes; zero turns reloading off
 * @param duckDbThreads          DuckDB worker threads per query
 * @param duckDbMemoryLimit      DuckDB memory limit such as {@code 2GB}; empty keeps DuckDB's default (80% of the host)
 * @param duckDbTempDirectory    where DuckDB may spill
 * @param fileCacheDirectory     where data files fetched from object stores are kept; empty for a private directory
 *                               removed on exit
 * @param fileCacheBytes         size limit of the file cache
 * @param fetchParallelism       concurrent object-store downloads
 * @param historicalWorkers      historical queries run at once
 * @param environment            where object-store credentials are looked up (in a pod, filled from the store's
 *                               credentials Secret)
 */
public record DataPlaneConfig(String host, int port, int maxBatchEntities, long maxBodyBytes,
                              long maxHistoricalBodyBytes, Duration retryAfter, Duration refreshTick,
                              Duration configReloadInterval, int duckDbThreads, Optional<String> duckDbMemoryLimit,
                              Path duckDbTempDirectory, Optional<Path> fileCacheDirectory, long fileCacheBytes,
                              int fetchParallelism, int historicalWorkers, Map<String, String> environment) {
    public static final int DEFAULT_PORT = 8000;
    public static final long DEFAULT_MAX_HISTORICAL_BODY_BYTES = 4L << 30;
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REFRESH_TICK = Duration.ofMillis(100);
    public static final Duration DEFAULT_CONFIG_RELOAD_INTERVAL = Duration.ofSeconds(2);
    public static final long DEFAULT_FILE_CACHE_BYTES = 10L << 30;
    public static final int DEFAULT_FETCH_PARALLELISM = 8;

    public DataPlaneConfig {
        environment = Map.copyOf(environment);
        if (fileCacheBytes <= 0) {
            throw new IllegalArgumentException("the file cache size must be positive, not " + fileCacheBytes);
        }
    }

    /** The settings of a process serving {@code serving}: its store's limits, everything else at its default. */
    public static Builder of(ServingConfig serving) {
        return new Builder(serving.dataPlane());
    }

    /** Settings for a process without a store (tests, tools): every default. */
    public static DataPlaneConfig defaults() {
        return new Builder(DataPlaneSpec.defaults()).build();
    }

    /** Command-line and environment settings on top of a store's own. */
    public static final class Builder {
        private final DataPlaneSpec spec;
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private Duration configReloadInterval = DEFAULT_CONFIG_RELOAD_INTERVAL;
        private Path fileCacheDirectory;
        private long fileCacheBytes = DEFAULT_FILE_CACHE_BYTES;
        private Map<String, String> environment = System.getenv();

        private Builder(DataPlaneSpec spec) {
            this.spec = spec;
        }

        public Builder address(String bindHost, int bindPort) {
            this.host = bindHost;
            this.port = bindPort;
            return this;
        }

        public Builder configReloadInterval(Duration interval) {
            this.configReloadInterval = interval;
            return this;
        }

        /** @param directory null for a private directory removed on exit */
        public Builder fileCache(Path directory, long bytes) {
            this.fileCacheDirectory = directory;
            this.fileCacheBytes = bytes;
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            this.environment = variables;
            return this;
        }

        public DataPlaneConfig build() {
            int cores = Runtime.getRuntime().availableProcessors();
            return new DataPlaneConfig(host, port, spec.effectiveMaxBatchEntities(), spec.effectiveMaxBodyBytes(),
                    DEFAULT_MAX_HISTORICAL_BODY_BYTES, DEFAULT_RETRY_AFTER, DEFAULT_REFRESH_TICK, configReloadInterval,
                    cores, Optional.ofNullable(spec.duckdbMemoryLimit()),
                    Path.of(System.getProperty("java.io.tmpdir"), "featureduck-duckdb"),
                    Optional.ofNullable(fileCacheDirectory), fileCacheBytes, DEFAULT_FETCH_PARALLELISM,
                    Math.max(1, cores / 2), environment);
        }
    }
}
