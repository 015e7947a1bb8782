package io.featureduck.dataplane.serving;

import io.featureduck.crds.report.ViewState;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.source.SnapshotChanges;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The views this data plane serves and their current indexes. Loads run on a dedicated executor, never on the HTTP
 * event loop; each view loads independently, so a slow or broken table never holds back the others.
 */
public final class ViewRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ViewRegistry.class);

    private final Map<String, ServedView> views = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final Set<String> startupViews;
    private volatile Optional<String> configurationError = Optional.empty();
    private volatile Map<String, String> refused = Map.of();
    private volatile Map<String, String> keptPrevious = Map.of();
    /** Views with a load or refresh running: one at a time per view. */
    private final Set<List<Object>> busy = ConcurrentHashMap.newKeySet();

    private final TableSourceFactory sources;
    private final OnlineIndexLoader loader;
    private final ExecutorService loadExecutor;
    private final Clock clock;
    private final List<LoadListener> listeners = new ArrayList<>();
    private final RetryBackoff backoff = RetryBackoff.standard();
    /** How long a push's answer waits for a refresh running elsewhere before it gives up on serving its rows here. */
    private static final Duration READ_YOUR_WRITES_WAIT = Duration.ofSeconds(30);
    /** The table version each failing view failed at, when the failure came after reading it. */
    private final Map<String, Long> failedVersions = new java.util.concurrent.ConcurrentHashMap<>();

    /** Told of every load, for metrics. */
    public interface LoadListener {
        void loaded(OnlineIndex index, Duration took, boolean incremental);

        void failed(ViewDefinition view, String error);
    }

    public ViewRegistry(
            Collection<ViewDefinition> definitions,
            TableSourceFactory sources,
            OnlineIndexLoader loader,
            ExecutorService loadExecutor,
            Clock clock) {
        this.sources = sources;
        this.loader = loader;
        this.loadExecutor = loadExecutor;
        this.clock = clock;
        for (ViewDefinition definition : definitions) {
            views.put(definition.name(), ServedView.pending(definition));
            order.add(definition.name());
        }
        this.startupViews = Set.copyOf(order);
    }

    /**
     * Why the newest serving configuration is not being served (it failed to parse or validate), so that
     * {@code /v1/views} can say so while the previous one keeps serving; empty once a configuration is applied.
     */
    public void configurationRejected(Optional<String> error) {
        configurationError = error;
    }

    /** Why the newest configuration is not served as written: the file refused, or views kept at their previous definition. */
    public Optional<String> configurationError() {
        Optional<String> kept = keptPrevious.isEmpty()
                ? Optional.empty()
                : Optional.of(keptPrevious.entrySet().stream()
                        .map(e -> "FeatureView '" + e.getKey() + "' keeps serving its previous definition; the new "
                                + "one was refused: " + e.getValue())
                        .collect(java.util.stream.Collectors.joining("\n")));
        if (configurationError.isPresent() && kept.isPresent()) {
            return Optional.of(configurationError.get() + "\n" + kept.get());
        }
        return configurationError.or(() -> kept);
    }

    /**
     * The configuration's views that are not served, and why ({@code ServingConfig.refused}), and those whose new
     * definition was refused while their previous one keeps serving; both replaced whole.
     */
    public void refuse(Map<String, String> refused, Map<String, String> keptPrevious) {
        this.refused = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refused));
        this.keptPrevious = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keptPrevious));
    }

    /** Views refused by the configuration, in its order, each with why. */
    public Map<String, String> refusals() {
        return refused;
    }

    /** Why view {@code name} was refused, if it was. */
    public Optional<String> refusal(String name) {
        return Optional.ofNullable(refused.get(name));
    }

    public void addListener(LoadListener listener) {
        listeners.add(listener);
    }

    public Optional<ServedView> view(String name) {
        return Optional.ofNullable(views.get(name));
    }

    /** Views in definition order. */
    public List<ServedView> views() {
        List<ServedView> all = new ArrayList<>();
        for (String name : order) {
            ServedView view = views.get(name);
            if (view != null) {
                all.add(view);
            }
        }
        return all;
    }

    /**
     * Ready once the first load of every online view the data plane started with has finished and one of them has an
     * index to serve, so a new pod takes traffic only once it can answer. Views added later by a reload do not count:
     * one that cannot load is reported in {@code /v1/views}, but must not take a serving pod out of its Service.
     */
    public boolean isReady() {
        int online = 0;
        int serving = 0;
        for (String name : startupViews) {
            ServedView view = views.get(name);
            if (view == null || view.state() == ViewState.OFFLINE) {
                continue;
            }
            online++;
            if (view.index().isPresent()) {
                serving++;
            } else if (view.state() == ViewState.PENDING || view.state() == ViewState.LOADING) {
                return false;
            }
        }
        // A broken view must not take the others off the Service: it is reported Degraded on its FeatureView and
        // answers 503 on its own. Only a pod that serves none of its views (the lakehouse or its object store out
        // of reach) has nothing to offer its Service.
        return online == 0 || serving > 0;
    }

    /** Loads every online view in parallel; the future completes when all have succeeded or failed. */
    public CompletableFuture<Void> loadAll() {
        List<CompletableFuture<Void>> loads = new ArrayList<>();
        for (String name : order) {
            if (views.get(name).definition().online()) {
                loads.add(load(name));
            }
        }
        return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
    }

    /**
     * Serves {@code definitions} from now on, without a restart: new views start loading, removed views stop being
     * served at once, and changed views reload in the background while their last index keeps serving. Views whose
     * definition did not change are left alone. The future completes when the loads this started have finished.
     */
    public synchronized CompletableFuture<Void> apply(Collection<ViewDefinition> definitions) {
        Map<String, ViewDefinition> wanted = new LinkedHashMap<>();
        definitions.forEach(d -> wanted.put(d.name(), d));
        List<CompletableFuture<Void>> loads = new ArrayList<>();
        for (String name : order) {
            if (!wanted.containsKey(name)) {
                views.remove(name);
                order.remove(name);
                LOG.info("FeatureView '{}' removed: no longer served", name);
            }
        }
        for (ViewDefinition definition : wanted.values()) {
            ServedView current = views.get(definition.name());
            if (current == null) {
                views.put(definition.name(), ServedView.pending(definition));
                order.add(definition.name());
                LOG.info("FeatureView '{}' added", definition.name());
            } else if (!current.definition().equals(definition)) {
                views.put(definition.name(), current.redefined(definition));
                LOG.info(
                        "FeatureView '{}' changed: reloading while the current index keeps serving", definition.name());
            } else {
                continue;
            }
            if (definition.online()) {
                loads.add(load(definition.name()));
            }
        }
        return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
    }

    public CompletableFuture<Void> load(String name) {
        return CompletableFuture.runAsync(() -> loadNow(name), loadExecutor);
    }

    /**
     * Checks the view's table for a newer version and serves it: a version that only appended files is merged into
     * the current index by reading just those files; anything else (deletes, overwrites, schema changes, snapshot
     * views) is rebuilt. Either way the new index replaces the old one whole, and a failure keeps the old one serving.
     * A view without an index yet gets a full load.
     */
    public CompletableFuture<Void> refresh(String name) {
        return CompletableFuture.runAsync(() -> refreshNow(name), loadExecutor);
    }

    /** Whether the view's current definition is served at {@code version} of its table or a newer one. */
    public boolean serves(String name, long version) {
        ServedView current = views.get(name);
        return current != null
                && current.index()
                        .filter(i -> i.view().equals(current.definition()) && i.tableVersion() >= version)
                        .isPresent();
    }

    /**
     * Returns once the view serves {@code version} of its table or a newer one: a push that committed that version is
     * answered only when its rows are served here. A load or refresh already running (perhaps started before the
     * commit) is waited for, then the table is refreshed if it still has to be; appended files are merged into the
     * index as any incremental refresh merges them. Blocking: call it off the event loop.
     *
     * @throws FeatureDuckException {@code VIEW_NOT_READY} when the view could not be refreshed to that version
     */
    public void refreshToInclude(String name, long version) {
        long deadline = System.nanoTime() + READ_YOUR_WRITES_WAIT.toNanos();
        int refreshes = 0;
        while (System.nanoTime() < deadline) {
            ServedView current = views.get(name);
            if (current == null || !current.definition().online()) {
                return;
            }
            ViewDefinition definition = current.definition();
            if (serves(name, version)) {
                return;
            }
            if (busy.contains(List.of(name, definition))) {
                sleep(Duration.ofMillis(2));
            } else if (refreshes++ < 3) {
                refreshNow(name);
            } else {
                break;
            }
        }
        ServedView current = views.get(name);
        throw FeatureDuckException.ofView(
                ErrorCode.VIEW_NOT_READY,
                name,
                "table version " + version + " is committed "
                        + "but not served by this pod yet"
                        + (current == null
                                ? ""
                                : current.lastError().map(e -> ": " + e).orElse(""))
                        + "; other pods and the next refresh serve it");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the view's refresh", e);
        }
    }

    private void loadNow(String name) {
        ServedView current = views.computeIfPresent(name, (n, v) -> v.loading());
        if (current == null) {
            return;
        }
        ViewDefinition definition = current.definition();
        List<Object> work = List.of(name, definition);
        if (!busy.add(work)) {
            return; // this definition is being loaded already, from the newest version when that load started
        }
        Long version = null;
        try {
            long start = System.nanoTime();
            TableSnapshot latest = latestSnapshot(definition, sources.forView(definition));
            version = latest.version();
            install(name, definition, loader.load(definition, latest), start, false);
        } catch (FeatureDuckException e) {
            fail(name, definition, e.getMessage(), version);
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(name, definition, "FeatureView '" + name + "': unexpected failure while loading: " + e, version);
            LOG.error("unexpected failure loading FeatureView '{}'", name, e);
        } finally {
            busy.remove(work);
        }
    }

    private void refreshNow(String name) {
        ServedView current = views.get(name);
        if (current == null || !current.definition().online()) {
            return;
        }
        Optional<OnlineIndex> served = current.index().filter(i -> i.view().equals(current.definition()));
        if (served.isEmpty()) {
            loadNow(name);
            return;
        }
        ViewDefinition definition = current.definition();
        List<Object> work = List.of(name, definition);
        if (!busy.add(work)) {
            return;
        }
        Long version = null;
        try {
            OnlineIndex index = served.get();
            TableSource source = sources.forView(definition);
            TableSnapshot latest = latestSnapshot(definition, source);
            version = latest.version();
            if (source.isSameVersion(index.snapshot(), latest)) {
                views.computeIfPresent(name, (n, v) -> v.checked(clock.instant()));
                return;
            }
            SnapshotChanges changes = source.changes(index.snapshot(), latest);
            boolean incremental = !definition.isSnapshot() && changes.isAppendOnly();
            long start = System.nanoTime();
            OnlineIndex next =
                    incremental ? loader.extend(index, latest, changes.added()) : loader.load(definition, latest);
            install(name, definition, next, start, incremental);
        } catch (FeatureDuckException e) {
            fail(name, definition, e.getMessage(), version);
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(name, definition, "FeatureView '" + name + "': unexpected failure while refreshing: " + e, version);
            LOG.error("unexpected failure refreshing FeatureView '{}'", name, e);
        } finally {
            busy.remove(work);
        }
    }

    private static TableSnapshot latestSnapshot(ViewDefinition definition, TableSource source) {
        try {
            return source.latestSnapshot();
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(definition.name(), e);
        }
    }

    private void install(
            String name, ViewDefinition definition, OnlineIndex index, long startNanos, boolean incremental) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        // Neither a load for a definition that has since changed or been removed, nor an older table version than
        // the one served for the same definition (a slow refresh overtaken by a newer one), may replace what is
        // served now. A new definition's index replaces an old one's whatever its version: pinning to an older
        // version is a rollback.
        ServedView installed = views.computeIfPresent(
                name,
                (n, v) -> v.definition().equals(definition)
                                && v.index()
                                        .filter(i -> i.view().equals(definition))
                                        .map(i -> i.tableVersion() <= index.tableVersion())
                                        .orElse(true)
                        ? v.loaded(index, took)
                        : v);
        if (installed == null || installed.index().orElse(null) != index) {
            LOG.info("FeatureView '{}' changed while loading; this load is dropped", name);
            return;
        }
        LOG.info(
                "FeatureView '{}' {}: table version {}, {} entities in {} ms",
                name,
                incremental ? "refreshed incrementally" : "loaded",
                index.tableVersion(),
                index.size(),
                took.toMillis());
        listeners.forEach(l -> l.loaded(index, took, incremental));
    }

    /**
     * During a failed view's backoff: whether its table has a version other than the one that failed (or can be read
     * at all, when reading it failed), in which case the view is tried again at once instead of at its next retry.
     * A fixed table, the commit after a broken one, is then served within a refresh interval.
     */
    public CompletableFuture<Void> retryIfChanged(String name) {
        return CompletableFuture.runAsync(
                () -> {
                    ServedView current = views.get(name);
                    if (current == null || current.retryAt().isEmpty()) {
                        return;
                    }
                    long latest;
                    try {
                        latest = sources.forView(current.definition())
                                .latestSnapshot()
                                .version();
                    } catch (RuntimeException e) {
                        return; // still unreadable: the backoff decides when to try again
                    }
                    Long failedAt = failedVersions.get(name);
                    if (failedAt == null || failedAt != latest) {
                        LOG.info(
                                "FeatureView '{}': table version {} appeared during the retry backoff; trying again now",
                                name,
                                latest);
                        refreshNow(name);
                    }
                },
                loadExecutor);
    }

    private void fail(String name, ViewDefinition definition, String error, Long version) {
        if (version == null) {
            failedVersions.remove(name);
        } else {
            failedVersions.put(name, version);
        }
        Instant now = clock.instant();
        views.computeIfPresent(
                name,
                (n, v) -> v.definition().equals(definition)
                        ? v.failed(error, now, now.plus(backoff.delay(v.failures() + 1)))
                        : v);
        LOG.error("{}", error);
        listeners.forEach(l -> l.failed(definition, error));
    }
}
