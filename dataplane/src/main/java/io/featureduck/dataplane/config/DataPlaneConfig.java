package io.featureduck.dataplane.config;

import io.fabric8.kubernetes.api.model.Quantity;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.dataplane.ondemand.OnDemandLimits;
import io.featureduck.dataplane.slots.ShardLayout;
import io.featureduck.dataplane.slots.ShardScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of one data-plane process, resolved once at start from the store's {@code spec.dataPlane} in the
 * serving file and the command line; components read their settings from here and nowhere else. The store's
 * settings are fixed for the life of the process (the operator rolls the pods when they change).
 *
 * @param host                   interface to bind
 * @param port                   HTTP port of the API (0: any free port)
 * @param managementPort         HTTP port of probes, metrics and the operator's view report, without
 *                               authentication (0: any free port); never the API's port
 * @param grpcPort               port of Feast's gRPC ServingService, its registry protocol and the gRPC health
 *                               service (0: any free port)
 * @param offlinePort            port of Feast's remote offline store protocol, Arrow Flight (0: any free port)
 * @param auth                   how API callers are authenticated
 * @param tls                    the PEM certificate chain and key of HTTPS on the API port, when it is HTTPS
 * @param maxBatchEntities       most entities one online request may ask for
 * @param maxBodyBytes           largest online request body accepted
 * @param maxHistoricalBodyBytes largest historical request (entity rows) accepted, counted as the bytes arrive;
 *                               it streams to disk, not memory
 * @param maxResponseBytes       largest online answer one request may produce
 * @param maxConcurrentHistorical historical queries admitted at once, running or waiting for a worker
 * @param retryAfter             what {@code Retry-After} tells clients of retryable errors
 * @param refreshTick            how often views are checked for a due refresh or retry (each view's own interval
 *                               decides when its table is read)
 * @param configReloadInterval   how often the serving file (and the token file) is checked for changes; zero turns
 *                               reloading off
 * @param drainPeriod            how long the process keeps answering after SIGTERM while reporting not-ready
 * @param shutdownGrace          after the drain, how long requests in flight (a historical export) may take to finish
 * @param idleTimeout            a connection with no traffic for this long is closed
 * @param requestTimeout         a request whose headers and body have not arrived within this long is answered 408
 * @param duckDbThreads          DuckDB worker threads per query
 * @param duckDbMemoryLimit      DuckDB memory limit such as {@code 2GB}; empty keeps DuckDB's default (80% of the host)
 * @param duckDbTempDirectory    where DuckDB may spill
 * @param fileCacheDirectory     where data files fetched from object stores are kept; empty for a private directory
 *                               removed on exit
 * @param fileCacheBytes         size limit of the file cache
 * @param fetchParallelism       concurrent object-store downloads
 * @param historicalWorkers      historical queries run at once
 * @param onDemand               how much evaluation on-demand features may take per request
 * @param environment            where object-store credentials are looked up (in a pod, filled from the store's
 *                               credentials Secret)
 * @param sharding               which keys this process holds and where the store's other shards answer
 */
public record DataPlaneConfig(
        String host,
        int port,
        int managementPort,
        int grpcPort,
        int offlinePort,
        AuthSettings auth,
        Optional<TlsFiles> tls,
        int maxBatchEntities,
        long maxBodyBytes,
        long maxHistoricalBodyBytes,
        long maxResponseBytes,
        int maxConcurrentHistorical,
        Duration retryAfter,
        Duration refreshTick,
        Duration configReloadInterval,
        Duration drainPeriod,
        Duration shutdownGrace,
        Duration idleTimeout,
        Duration requestTimeout,
        int duckDbThreads,
        Optional<String> duckDbMemoryLimit,
        Path duckDbTempDirectory,
        Optional<Path> fileCacheDirectory,
        long fileCacheBytes,
        int fetchParallelism,
        int historicalWorkers,
        OnDemandLimits onDemand,
        Map<String, String> environment,
        Sharding sharding) {
    /** Where {@code featureduck serve} listens: every interface, as a pod must. */
    public static final String SERVE_HOST = "0.0.0.0";
    /** Where tools, tests and the demo listen: this machine only. */
    public static final String LOCAL_HOST = "127.0.0.1";

    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REFRESH_TICK = Duration.ofMillis(100);
    /** How often {@code serve} checks its file for changes, as the command line writes it. */
    public static final String DEFAULT_CONFIG_RELOAD = "2s";

    public static final Duration DEFAULT_CONFIG_RELOAD_INTERVAL =
            io.featureduck.crds.KubeDuration.parse(DEFAULT_CONFIG_RELOAD);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_FILE_CACHE_BYTES = Quantity.getAmountInBytes(
                    new Quantity(DataPlaneSpec.DEFAULT_FILE_CACHE_SIZE))
            .longValueExact();
    public static final int DEFAULT_FETCH_PARALLELISM = 8;

    /** Where the API port's certificate chain and private key are, both PEM; reread when they change. */
    public record TlsFiles(Path certificate, Path key) {}

    public DataPlaneConfig {
        environment = Map.copyOf(environment);
        if (fileCacheBytes <= 0) {
            throw new IllegalArgumentException("the file cache size must be positive, not " + fileCacheBytes);
        }
        if (port != 0 && port == managementPort) {
            throw new IllegalArgumentException("the management port must differ from the API port " + port);
        }
        if (grpcPort != 0 && (grpcPort == port || grpcPort == managementPort)) {
            throw new IllegalArgumentException(
                    "the gRPC port " + grpcPort + " must differ from the API and management " + "ports");
        }
        if (offlinePort != 0 && (offlinePort == port || offlinePort == managementPort || offlinePort == grpcPort)) {
            throw new IllegalArgumentException("the offline (Arrow Flight) port " + offlinePort
                    + " must differ from the API, management and gRPC " + "ports");
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
        private String host = LOCAL_HOST;
        private int port = DataPlaneSpec.DEFAULT_HTTP_PORT;
        private int managementPort = DataPlaneSpec.DEFAULT_MANAGEMENT_PORT;
        private int grpcPort;
        private int offlinePort;
        private Path tokenFile;
        private Path writeTokenFile;
        private TlsFiles tls;
        private boolean serves = true;
        private String authNamespace;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration configReloadInterval = DEFAULT_CONFIG_RELOAD_INTERVAL;
        private Path fileCacheDirectory;
        private long fileCacheBytes = DEFAULT_FILE_CACHE_BYTES;
        private Map<String, String> environment = System.getenv();
        private OnDemandLimits onDemand = OnDemandLimits.defaults();
        private ShardLayout shard = ShardLayout.UNSHARDED;
        private Map<Integer, List<Sharding.Peer>> peers = Map.of();

        private Builder(DataPlaneSpec spec) {
            this.spec = spec;
            this.grpcPort = spec.effectiveGrpcPort();
            this.offlinePort = spec.effectiveOfflinePort();
        }

        public Builder address(String bindHost, int bindPort) {
            this.host = bindHost;
            this.port = bindPort;
            if (bindPort == 0) {
                // Any free port for the API (tests, tools): the other ports too, so two processes never clash.
                this.managementPort = 0;
                this.grpcPort = 0;
                this.offlinePort = 0;
            }
            return this;
        }

        /** @param bindPort 0 for any free port */
        public Builder managementPort(int bindPort) {
            this.managementPort = bindPort;
            return this;
        }

        /** {@code --grpc-port}: 0 for any free port */
        public Builder grpcPort(int bindPort) {
            this.grpcPort = bindPort;
            return this;
        }

        /** {@code --offline-port}: 0 for any free port */
        public Builder offlinePort(int bindPort) {
            this.offlinePort = bindPort;
            return this;
        }

        /** {@code --auth-token-file}: bearer tokens, one per line; null to follow the store's spec. */
        public Builder authTokenFile(Path file) {
            this.tokenFile = file;
            return this;
        }

        /** {@code --auth-write-token-file}: the bearer tokens that may push too; null when none may. */
        public Builder authWriteTokenFile(Path file) {
            this.writeTokenFile = file;
            return this;
        }

        /**
         * For a tool that reads the store's tables without serving them ({@code historical}, {@code parity}): no API
         * port, so the store's authentication does not apply and needs no token file.
         */
        public Builder withoutApi() {
            this.serves = false;
            return this;
        }

        /** {@code --tls-cert}, {@code --tls-key}: HTTPS on the API port; null for plain HTTP. */
        public Builder tls(Path certificate, Path key) {
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("HTTPS needs both --tls-cert and --tls-key");
            }
            this.tls = certificate == null ? null : new TlsFiles(certificate, key);
            return this;
        }

        /** {@code --auth-namespace}: the store's namespace, for Kubernetes authorization. */
        public Builder authNamespace(String namespace) {
            this.authNamespace = namespace;
            return this;
        }

        public Builder timeouts(Duration request, Duration idle) {
            this.requestTimeout = request;
            this.idleTimeout = idle;
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

        /** How much evaluation on-demand features may take per request. */
        public Builder onDemand(OnDemandLimits limits) {
            this.onDemand = limits;
            return this;
        }

        /** {@code --shard} and {@code --peer}: this process's shard and the other shards' gRPC addresses. */
        public Builder shard(ShardLayout layout, Map<Integer, List<Sharding.Peer>> others) {
            this.shard = layout;
            this.peers = others;
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            this.environment = variables;
            return this;
        }

        /** @throws IllegalArgumentException when the store's auth choice lacks what it needs from the command line */
        public DataPlaneConfig build() {
            int cores = Runtime.getRuntime().availableProcessors();
            AuthSettings auth = serves
                    ? AuthSettings.resolve(
                            spec.auth(),
                            Optional.ofNullable(tokenFile),
                            Optional.ofNullable(writeTokenFile),
                            Optional.ofNullable(authNamespace),
                            configReloadInterval)
                    : new AuthSettings.Open();
            return new DataPlaneConfig(
                    host,
                    port,
                    managementPort,
                    grpcPort,
                    offlinePort,
                    auth,
                    Optional.ofNullable(tls),
                    spec.effectiveMaxBatchEntities(),
                    spec.effectiveMaxBodyBytes(),
                    spec.effectiveMaxHistoricalBodyBytes(),
                    spec.effectiveMaxResponseBytes(),
                    spec.effectiveMaxConcurrentHistorical(),
                    DEFAULT_RETRY_AFTER,
                    DEFAULT_REFRESH_TICK,
                    configReloadInterval,
                    spec.effectiveDrainPeriod(),
                    DataPlaneSpec.SHUTDOWN_GRACE,
                    idleTimeout,
                    requestTimeout,
                    cores,
                    spec.effectiveDuckdbMemoryLimit(),
                    Path.of(System.getProperty("java.io.tmpdir"), "featureduck-duckdb"),
                    Optional.ofNullable(fileCacheDirectory),
                    fileCacheBytes,
                    DEFAULT_FETCH_PARALLELISM,
                    Math.max(1, cores / 2),
                    onDemand,
                    environment,
                    shard.isSharded()
                            ? new Sharding(new ShardScope(shard, spec.effectiveReplicateBelowRows()), peers)
                            : Sharding.NONE);
        }
    }
}
