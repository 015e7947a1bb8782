package io.featureduck.dataplane;

import io.featureduck.dataplane.auth.AccessControl;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.Redaction;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.http.DataPlaneServer;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.serving.ConfigReloader;
import io.featureduck.dataplane.serving.ViewRefresher;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.write.PushService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    private final DataPlaneComponents components;
    private final ViewRegistry registry;
    private final DataPlaneServer server;
    private final CompletableFuture<Void> initialLoad;
    private final AtomicReference<ServingConfig> config;
    private final DataPlaneMetrics metrics;
    private final ViewRefresher refresher;
    private final AccessControl access;
    private final PushService pushes;
    private volatile ConfigReloader reloader;
    private boolean closed;

    private DataPlane(
            Vertx vertx,
            DataPlaneComponents components,
            ViewRegistry registry,
            DataPlaneServer server,
            CompletableFuture<Void> initialLoad,
            AtomicReference<ServingConfig> config,
            DataPlaneMetrics metrics,
            ViewRefresher refresher,
            AccessControl access,
            PushService pushes) {
        this.pushes = pushes;
        this.access = access;
        this.vertx = vertx;
        this.components = components;
        this.registry = registry;
        this.server = server;
        this.initialLoad = initialLoad;
        this.config = config;
        this.metrics = metrics;
        this.refresher = refresher;
    }

    /** Starts serving {@code serving} as {@code settings} say; blocks until the HTTP port is bound, not until views load. */
    public static DataPlane start(ServingConfig serving, DataPlaneConfig settings) {
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        DataPlaneComponents components = DataPlaneComponents.open(serving, settings, metrics.registry());
        ViewRegistry registry = new ViewRegistry(
                serving.views(),
                components.sources(),
                components.loader(),
                components.loadExecutor(),
                components.clock());
        refuse(registry, serving.refused(), Map.of());
        AtomicReference<ServingConfig> current = new AtomicReference<>(serving);
        HistoricalRetrieval historical = components.historical(current::get);
        metrics.watch(registry);
        AccessControl access;
        try {
            access = AccessControl.of(
                    settings.auth(),
                    () -> registry.views().stream()
                            .map(v -> v.definition().name())
                            .toList());
        } catch (RuntimeException e) {
            components.close();
            throw e;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        PushService pushes = components.pushes(registry, metrics);
        DataPlaneServer server = new DataPlaneServer(
                vertx,
                registry,
                historical,
                metrics,
                settings,
                access,
                redaction(serving, settings),
                components.clock(),
                current::get,
                pushes);
        try {
            server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            pushes.close();
            access.close();
            components.close();
            throw new IllegalStateException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ", "
                            + settings.managementPort() + " and " + settings.grpcPort() + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
        CompletableFuture<Void> initialLoad = registry.loadAll();
        // Tables are polled for new versions at each view's refresh interval from here on.
        ViewRefresher refresher = ViewRefresher.start(registry, components.clock(), settings.refreshTick());
        return new DataPlane(
                vertx, components, registry, server, initialLoad, current, metrics, refresher, access, pushes);
    }

    /**
     * What clients may see of this process's paths: the lakehouse root as the store's spec names it when that is a
     * relative path (not as a {@code --lakehouse-root} override or resolved here), {@code <lakehouse>} when it is an
     * absolute one (a path of the machine or the pod), and placeholders for private directories.
     */
    private static Redaction redaction(ServingConfig serving, DataPlaneConfig settings) {
        Map<String, String> shown = new LinkedHashMap<>();
        if (!serving.root().isObjectStore()) {
            String configured = serving.store().spec().lakehouse().root().replaceAll("/+$", "");
            shown.put(
                    serving.root().path().toString(),
                    configured.startsWith("/") || configured.startsWith("file:") ? "<lakehouse>" : configured);
        }
        shown.put(settings.duckDbTempDirectory().toAbsolutePath().toString(), "<duckdb-temp>");
        settings.fileCacheDirectory()
                .ifPresent(d -> shown.put(d.toAbsolutePath().toString(), "<file-cache>"));
        shown.put(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString(), "<tmp>");
        return Redaction.of(shown);
    }

    /**
     * Serves the views of {@code next} from now on without a restart (see {@link ViewRegistry#apply}). The store's
     * own settings (port, limits, DuckDB memory) are fixed at start; the operator rolls the pods when they change.
     */
    public CompletableFuture<Void> reconfigure(ServingConfig written) {
        ServingConfig previous = config.get();
        // A view whose new definition is refused keeps serving its previous one: a typo in a change must not take a
        // serving view away. A refused view that was not served before is left out.
        List<ViewDefinition> definitions = new ArrayList<>(written.views());
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, String> keptPrevious = new LinkedHashMap<>();
        written.refused().forEach((name, reason) -> {
            Optional<ViewDefinition> served = previous.view(name);
            if (served.isPresent()) {
                definitions.add(served.get());
                keptPrevious.put(name, reason);
            } else {
                refused.put(name, reason);
            }
        });
        ServingConfig next = new ServingConfig(
                written.file(),
                written.store(),
                definitions,
                written.root(),
                written.services(),
                refused,
                written.refusedServices());
        config.set(next);
        if (!Objects.equals(previous.dataPlane(), next.dataPlane())
                || !Objects.equals(
                        previous.store().spec().lakehouse(), next.store().spec().lakehouse())) {
            LOG.warn("the FeatureStore's own settings changed; they take effect when the data plane restarts");
        }
        CompletableFuture<Void> loads = registry.apply(next.views());
        refuse(registry, refused, keptPrevious);
        metrics.track(registry);
        return loads;
    }

    /** Tells the registry (and the log) which views are not served as written, and why. */
    private static void refuse(ViewRegistry registry, Map<String, String> refused, Map<String, String> keptPrevious) {
        registry.refuse(refused, keptPrevious);
        refused.forEach((name, reason) -> LOG.error("FeatureView '{}' is not served: {}", name, reason));
        keptPrevious.forEach((name, reason) -> LOG.error(
                "FeatureView '{}' keeps its previous definition; the new one " + "was refused: {}", name, reason));
    }

    /** Applies every change of the configuration file, checked as often as the settings say (never when zero). */
    public void watch(Path file, ServingConfigLoader loader) {
        if (!components.config().configReloadInterval().isZero()) {
            reloader = ConfigReloader.start(
                    file,
                    loader,
                    components.config().configReloadInterval(),
                    this::reconfigure,
                    registry::configurationRejected);
        }
    }

    /** The configuration being served. */
    public ServingConfig config() {
        return config.get();
    }

    /** The API port. */
    public int port() {
        return server.actualPort();
    }

    /** The port of Feast's gRPC ServingService. */
    public int grpcPort() {
        return server.grpcPort();
    }

    /** The port of Feast's offline store protocol (Arrow Flight). */
    public int offlinePort() {
        return server.offlinePort();
    }

    /** The port of probes, metrics and the view report. */
    public int managementPort() {
        return server.managementPort();
    }

    public ViewRegistry registry() {
        return registry;
    }

    /** Completes when the first load of every online view has succeeded or failed. */
    public CompletableFuture<Void> initialLoad() {
        return initialLoad;
    }

    /**
     * What SIGTERM does: report not-ready at once and keep answering for the drain period, while the endpoints
     * controller takes the pod out of its Service and clients move away; then stop accepting connections, let the
     * requests in flight finish (up to the shutdown grace), and close.
     */
    public void shutdownGracefully() {
        Duration drain = components.config().drainPeriod();
        LOG.info("shutting down: not ready from now on, answering for {} ms more", drain.toMillis());
        server.drain();
        try {
            Thread.sleep(drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(components.config().shutdownGrace());
    }

    /** Stops at once: requests in flight get a short moment to finish (tests, tools). */
    @Override
    public void close() {
        stop(Duration.ofSeconds(1));
    }

    private synchronized void stop(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        if (reloader != null) {
            reloader.close();
        }
        refresher.close();
        try {
            server.stop(grace)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // Shutting down anyway.
        }
        // Pushes already queued are committed before the tables' readers and DuckDB go away.
        pushes.close();
        vertx.close();
        access.close();
        components.close();
    }
}
