package io.featureduck.dataplane.serving;

import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.source.TableSourceException;
import io.featureduck.dataplane.online.ViewLoadException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    private final List<String> order = new ArrayList<>();
    private final TableSourceFactory sources;
    private final OnlineIndexLoader loader;
    private final ExecutorService loadExecutor;
    private final Clock clock;
    private final List<LoadListener> listeners = new ArrayList<>();

    /** Told of every load, for metrics. */
    public interface LoadListener {
        void loaded(OnlineIndex index, Duration took);

        void failed(ViewDefinition view, String error);
    }

    public ViewRegistry(Collection<ViewDefinition> definitions, TableSourceFactory sources, OnlineIndexLoader loader,
                        ExecutorService loadExecutor, Clock clock) {
        this.sources = sources;
        this.loader = loader;
        this.loadExecutor = loadExecutor;
        this.clock = clock;
        for (ViewDefinition definition : definitions) {
            views.put(definition.name(), ServedView.pending(definition));
            order.add(definition.name());
        }
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
            all.add(views.get(name));
        }
        return all;
    }

    /** Ready when every online view has an index to serve. */
    public boolean isReady() {
        return views.values().stream().allMatch(v -> v.state() == ViewState.OFFLINE || v.index().isPresent());
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

    public CompletableFuture<Void> load(String name) {
        return CompletableFuture.runAsync(() -> loadNow(name), loadExecutor);
    }

    private void loadNow(String name) {
        ServedView current = views.computeIfPresent(name, (n, v) -> v.loading());
        if (current == null) {
            return;
        }
        ViewDefinition definition = current.definition();
        long start = System.nanoTime();
        try {
            OnlineIndex index = loader.load(definition, sources.forView(definition));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            views.computeIfPresent(name, (n, v) -> v.loaded(index, took));
            LOG.info("FeatureView '{}' loaded: table version {}, {} entities in {} ms", name, index.tableVersion(),
                    index.size(), took.toMillis());
            listeners.forEach(l -> l.loaded(index, took));
        } catch (ViewLoadException | TableSourceException e) {
            fail(name, definition, e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(name, definition, "FeatureView '" + name + "': unexpected failure while loading: " + e);
            LOG.error("unexpected failure loading FeatureView '{}'", name, e);
        }
    }

    private void fail(String name, ViewDefinition definition, String error) {
        views.computeIfPresent(name, (n, v) -> v.failed(error, clock.instant()));
        LOG.error("{}", error);
        listeners.forEach(l -> l.failed(definition, error));
    }
}
