package io.featureduck.dataplane;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.http.DataPlaneOptions;
import io.featureduck.dataplane.http.DataPlaneServer;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.serving.ConfigReloader;
import io.featureduck.dataplane.serving.TableSourceFactory;
import io.featureduck.dataplane.serving.ViewRefresher;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.storage.LakehouseStorage;
import io.featureduck.dataplane.storage.StorageSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running data plane: the views of a serving configuration, their loader and the HTTP server. The HTTP server
 * starts at once and reports not-ready until every online view is loaded, as a Kubernetes probe expects.
 */
public final class DataPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    private final Vertx vertx;
    private final ExecutorService loadExecutor;
    private final ViewRegistry registry;
    private final DataPlaneServer server;
    private final CompletableFuture<Void> initialLoad;
    private final AtomicReference<ServingConfig> config;
    private final DataPlaneMetrics metrics;
    private volatile ConfigReloader reloader;
    private final ViewRefresher refresher;
    private final LakehouseStorage storage;

    private DataPlane(Vertx vertx, ExecutorService loadExecutor, ViewRegistry registry, DataPlaneServer server,
                      CompletableFuture<Void> initialLoad, AtomicReference<ServingConfig> config,
                      DataPlaneMetrics metrics, ViewRefresher refresher, LakehouseStorage storage) {
        this.refresher = refresher;
        this.storage = storage;
        this.vertx = vertx;
        this.loadExecutor = loadExecutor;
        this.registry = registry;
        this.server = server;
        this.initialLoad = initialLoad;
        this.config = config;
        this.metrics = metrics;
    }

    /** Options for {@code config} with the given address; request limits come from the store's dataPlane spec. */
    public static DataPlaneOptions options(ServingConfig config, String host, int port) {
        DataPlaneSpec spec = config.dataPlane();
        return new DataPlaneOptions(host, port, spec.effectiveMaxBatchEntities(), spec.effectiveMaxBodyBytes(),
                DataPlaneOptions.DEFAULT_MAX_HISTORICAL_BODY_BYTES);
    }

    public static DuckDbSettings duckDbSettings(ServingConfig config) {
        DuckDbSettings defaults = DuckDbSettings.defaults();
        return new DuckDbSettings(defaults.threads(), Optional.ofNullable(config.dataPlane().duckdbMemoryLimit()),
                defaults.tempDirectory());
    }

    /** Starts serving {@code config}; blocks until the HTTP port is bound, not until views are loaded. */
    public static DataPlane start(ServingConfig config, DataPlaneOptions options) {
        return start(config, options, StorageSettings.defaults());
    }

    /** Starts serving {@code config}, reaching object stores and caching their files as {@code storageSettings} say. */
    public static DataPlane start(ServingConfig config, DataPlaneOptions options, StorageSettings storageSettings) {
        Clock clock = Clock.systemUTC();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService loadExecutor = Executors.newFixedThreadPool(
                Math.max(1, Math.min(config.views().size(), Runtime.getRuntime().availableProcessors())), r -> {
                    Thread thread = new Thread(r, "view-loader-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        LakehouseStorage storage = LakehouseStorage.open(config.store().spec().lakehouse(), storageSettings,
                metrics.registry());
        TableSourceFactory sources = new TableSourceFactory(storage.stores());
        ViewRegistry registry = new ViewRegistry(config.views(), sources,
                new OnlineIndexLoader(duckDbSettings(config), clock, storage.files()), loadExecutor, clock);
        AtomicReference<ServingConfig> current = new AtomicReference<>(config);
        HistoricalRetrieval historical = new HistoricalRetrieval(current::get, sources, duckDbSettings(config),
                storage.files());
        metrics.watch(registry);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        DataPlaneServer server = new DataPlaneServer(vertx, registry, historical, metrics, options, clock);
        try {
            server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            loadExecutor.shutdownNow();
            storage.close();
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        CompletableFuture<Void> initialLoad = registry.loadAll();
        // Tables are polled for new versions at each view's refresh interval from here on.
        ViewRefresher refresher = ViewRefresher.start(registry, clock, Duration.ofMillis(100));
        return new DataPlane(vertx, loadExecutor, registry, server, initialLoad, current, metrics, refresher, storage);
    }

    /**
     * Serves the views of {@code next} from now on without a restart (see {@link ViewRegistry#apply}). The store's
     * own settings (port, limits, DuckDB memory) are fixed at start; the operator rolls the pods when they change.
     */
    public CompletableFuture<Void> reconfigure(ServingConfig next) {
        ServingConfig previous = config.getAndSet(next);
        if (!Objects.equals(previous.dataPlane(), next.dataPlane())
                || !Objects.equals(previous.store().spec().lakehouse(), next.store().spec().lakehouse())) {
            LOG.warn("the FeatureStore's own settings changed; they take effect when the data plane restarts");
        }
        CompletableFuture<Void> loads = registry.apply(next.views());
        metrics.track(registry);
        return loads;
    }

    /** Applies every change of the configuration file, checked each {@code interval}. */
    public void watch(Path file, ServingConfigLoader loader, Duration interval) {
        reloader = ConfigReloader.start(file, loader, interval, this::reconfigure, registry::configurationRejected);
    }

    /** The configuration being served. */
    public ServingConfig config() {
        return config.get();
    }

    public int port() {
        return server.actualPort();
    }

    public ViewRegistry registry() {
        return registry;
    }

    /** Completes when the first load of every online view has succeeded or failed. */
    public CompletableFuture<Void> initialLoad() {
        return initialLoad;
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.close();
        }
        refresher.close();
        try {
            server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Shutting down anyway.
        }
        vertx.close();
        loadExecutor.shutdownNow();
        try {
            // A refresh still running would otherwise find its object stores closed and report that as a failure.
            loadExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.close();
    }
}
