package io.featureduck.dataplane.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feast pushes, written to the views' own tables: a push is checked against the table, batched with the pushes that
 * arrive with it into one commit, and answered once that commit is served by this pod. Other pods serve it at their
 * next refresh, and historical retrieval at once, because both read the same table.
 */
public final class PushService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);
    private static final java.util.Set<String> DESTINATIONS = java.util.Set.of("online", "offline",
            "online_and_offline");

    private final ViewRegistry registry;
    private final TableSourceFactory sources;
    private final TableWriters writers;
    private final Clock clock;
    private final Listener listener;
    private final Map<String, Batcher> batchers = new ConcurrentHashMap<>();

    /** A view's batcher with the definition and writer it was made for. */
    private record Batcher(ViewDefinition definition, PushBatcher batcher, TableWriters.Opened writer) {
    }

    /**
     * What a push became.
     *
     * @param view    the view whose table holds the rows
     * @param version the table version that first holds them
     * @param rows    rows of this push
     */
    public record Pushed(String view, long version, int rows) {
    }

    /** Told of every commit of pushes and every batch that could not be committed, for metrics. */
    public interface Listener {
        /**
         * @param commit how long writing and committing took
         * @param served how long it then took until this pod served the version
         */
        void committed(String view, int pushes, int rows, int retries, java.time.Duration commit,
                       java.time.Duration served);

        void failed(String view, int rows, io.featureduck.dataplane.error.ErrorCode code);
    }

    public PushService(ViewRegistry registry, TableSourceFactory sources, DuckDbSettings duckDb, Clock clock,
                       Listener listener) {
        this.listener = listener;
        this.registry = registry;
        this.sources = sources;
        this.writers = new TableWriters(duckDb);
        this.clock = clock;
    }

    /** The view that takes pushes to Feast push source {@code pushSource}. */
    public ServedView viewOfPushSource(String pushSource) {
        for (ServedView view : registry.views()) {
            if (view.definition().push().filter(p -> p.sourceName().equals(pushSource)).isPresent()) {
                return view;
            }
        }
        throw new FeatureDuckException(ErrorCode.PUSH_SOURCE_NOT_FOUND, "no FeatureView served here takes push "
                + "source '" + pushSource + "'; a view names it in spec.push.sourceName");
    }

    /** The view named {@code name}, which must take pushes. */
    public ServedView pushableView(String name) {
        ServedView view = registry.view(name).orElseThrow(() -> new FeatureDuckException(
                ErrorCode.PUSH_SOURCE_NOT_FOUND, "no FeatureView '" + name + "' is served here"));
        if (view.definition().push().isEmpty()) {
            throw FeatureDuckException.ofView(ErrorCode.PUSH_NOT_ACCEPTED, name, "this view takes no pushes; set "
                    + "spec.push.enabled: true on its FeatureView to write to its table");
        }
        return view;
    }

    /**
     * Checks {@code df} against the view's table and commits it with the pushes that arrive with it. Blocking for
     * the check (it may read the table's schema); the future completes when the rows are committed and served here.
     */
    public CompletableFuture<Pushed> push(ServedView view, JsonNode df, Grant grant) {
        grant.require(view.name());
        return submit(view, df, columns(view));
    }

    /** A one-row push whose values are text, as Feast's gRPC push sends them. */
    public CompletableFuture<Pushed> pushRow(ServedView view, Map<String, String> row, Grant grant) {
        grant.require(view.name());
        List<SourceColumn> columns = columns(view);
        return submit(view, PushValidator.textRow(row, columns), columns);
    }

    /**
     * The values of Feast's {@code to}: every one writes the table, which is both stores; empty means online.
     *
     * @throws FeatureDuckException {@code INVALID_FIELD} for any other value
     */
    public static String destination(String to) {
        if (to == null || to.isEmpty()) {
            return "online";
        }
        if (!DESTINATIONS.contains(to)) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "'to' must be online, offline or "
                    + "online_and_offline; each writes the view's table, which serves both");
        }
        return to;
    }

    /**
     * Failures reach the caller as they were thrown (a {@code FeatureDuckException} with its code), not wrapped in
     * a {@code CompletionException}, so every route maps them as it maps any other failure.
     */
    private CompletableFuture<Pushed> submit(ServedView view, JsonNode df, List<SourceColumn> columns) {
        ViewDefinition definition = view.definition();
        PushedRows rows = PushValidator.validate(definition, df, columns,
                definition.push().orElseThrow().maxBatchRows(), clock.instant());
        CompletableFuture<Pushed> pushed = new CompletableFuture<>();
        batcher(definition).submit(rows).whenComplete((committed, failure) -> {
            if (failure != null) {
                pushed.completeExceptionally(failure);
            } else {
                pushed.complete(new Pushed(definition.name(), committed.version(), committed.rows()));
            }
        });
        return pushed;
    }

    /** The table's columns as served; read from the table for a view that is not loaded online. */
    private List<SourceColumn> columns(ServedView view) {
        Optional<List<SourceColumn>> served = view.index().filter(i -> i.view().equals(view.definition()))
                .map(i -> i.snapshot().columns());
        if (served.isPresent()) {
            return served.get();
        }
        if (view.definition().online()) {
            throw FeatureDuckException.ofView(ErrorCode.VIEW_NOT_READY, view.name(), "the view is not loaded yet, so "
                    + "pushes cannot be checked against its table; retry once it is ready"
                    + view.lastError().map(e -> " (" + e + ")").orElse(""));
        }
        try {
            return sources.forView(view.definition()).latestSnapshot().columns();
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(view.name(), e);
        }
    }

    private PushBatcher batcher(ViewDefinition definition) {
        // A view removed from the configuration keeps no thread or DuckDB session: its batcher commits and goes.
        for (String name : List.copyOf(batchers.keySet())) {
            if (registry.view(name).isEmpty()) {
                Batcher removed = batchers.remove(name);
                if (removed != null) {
                    retire(removed);
                }
            }
        }
        Batcher current = batchers.compute(definition.name(), (name, existing) -> {
            if (existing != null && existing.definition().equals(definition)) {
                return existing;
            }
            if (existing != null) {
                retire(existing);
            }
            TableSource source = sources.forView(definition);
            TableWriters.Opened writer = writers.open(definition, source);
            ViewDefinition.PushSettings settings = definition.push().orElseThrow();
            PushBatcher batcher = new PushBatcher(name, writer.writer(), settings.flushInterval(),
                    settings.maxBatchRows(), committed -> registry.refreshToInclude(name, committed.version()),
                    listener);
            return new Batcher(definition, batcher, writer);
        });
        return current.batcher();
    }

    /** A batcher of an older definition commits what it holds, off the caller's thread. */
    private static void retire(Batcher old) {
        Thread closer = new Thread(() -> {
            old.batcher().close();
            old.writer().close();
        }, "push-retire-" + old.definition().name());
        closer.setDaemon(true);
        closer.start();
    }

    /** Commits every waiting push, then closes the writers. */
    @Override
    public void close() {
        for (Batcher batcher : batchers.values()) {
            batcher.batcher().close();
            batcher.writer().close();
        }
        batchers.clear();
        LOG.debug("push writers closed");
    }
}
