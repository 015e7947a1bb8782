package io.featureduck.dataplane.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.source.DataFile;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feast pushes, written to the views' own tables: a push is checked against the table, batched with the pushes that
 * arrive with it into one commit, and answered once that commit is served by this pod. Other pods serve it at their
 * next refresh, and historical retrieval at once, because both read the same table.
 */
public final class PushService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);
    /** Commits tried for asynchronously acknowledged rows before they are counted as unwritten. */
    static final int ASYNC_ATTEMPTS = 5;
    /** The first wait before such a retry; each later one waits twice as long. */
    static final Duration ASYNC_RETRY_DELAY = Duration.ofMillis(500);

    private static final java.util.Set<String> DESTINATIONS =
            java.util.Set.of("online", "offline", "online_and_offline");

    private final ViewRegistry registry;
    private final TableSourceFactory sources;
    private final TableWriters writers;
    private final Clock clock;
    private final Listener listener;
    private final Map<String, Batcher> batchers = new ConcurrentHashMap<>();
    private final Map<String, PushRecord> records = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "push-retries");
        t.setDaemon(true);
        return t;
    });

    /** A view's batcher with the definition and writer it was made for. */
    private record Batcher(ViewDefinition definition, PushBatcher batcher, TableWriters.Opened writer) {}

    /** Failures of one view's pushes that nobody is waiting to hear about: asynchronously acknowledged rows. */
    private static final class PushRecord {
        private final AtomicLong unwrittenRows = new AtomicLong();
        private volatile String lastError;
        private volatile Instant lastErrorAt;
    }

    /**
     * What became of a view's pushes beyond each answer, for its report.
     *
     * @param unwrittenAsyncRows rows acknowledged with {@code ?ack=async} that could not be written after every retry
     * @param lastError          why the latest push failed after it was acknowledged, or failed to read back
     * @param lastErrorAt        when
     * @param suspended          why pushes are refused, while an earlier commit cannot be read back here
     */
    public record PushState(
            long unwrittenAsyncRows,
            Optional<String> lastError,
            Optional<Instant> lastErrorAt,
            Optional<String> suspended) {}

    /**
     * What a push became.
     *
     * @param view    the view whose table holds the rows
     * @param version the table version that first holds them
     * @param rows    rows of this push
     */
    public record Pushed(String view, long version, int rows) {}

    /** Told of every commit of pushes and every batch that could not be committed, for metrics. */
    public interface Listener {
        /**
         * @param commit how long writing and committing took
         * @param served how long it then took until this pod served the version
         */
        void committed(
                String view, int pushes, int rows, int retries, java.time.Duration commit, java.time.Duration served);

        void failed(String view, int rows, io.featureduck.dataplane.error.ErrorCode code);

        /** Rows acknowledged asynchronously that could not be written after every retry. */
        void unwritten(String view, int rows);
    }

    public PushService(
            ViewRegistry registry, TableSourceFactory sources, DuckDbSettings duckDb, Clock clock, Listener listener) {
        this.listener = listener;
        this.registry = registry;
        this.sources = sources;
        this.writers = new TableWriters(duckDb);
        this.clock = clock;
    }

    /** The view that takes pushes to Feast push source {@code pushSource}. */
    public ServedView viewOfPushSource(String pushSource) {
        for (ServedView view : registry.views()) {
            if (view.definition()
                    .push()
                    .filter(p -> p.sourceName().equals(pushSource))
                    .isPresent()) {
                return accepting(view);
            }
        }
        throw new FeatureDuckException(
                ErrorCode.PUSH_SOURCE_NOT_FOUND,
                "no FeatureView served here takes push " + "source '" + pushSource
                        + "'; a view names it in spec.push.sourceName");
    }

    /** The view named {@code name}, which must take pushes. */
    public ServedView pushableView(String name) {
        ServedView view = registry.view(name)
                .orElseThrow(() -> new FeatureDuckException(
                        ErrorCode.PUSH_SOURCE_NOT_FOUND, "no FeatureView '" + name + "' is served here"));
        if (view.definition().push().isEmpty()) {
            throw FeatureDuckException.ofView(
                    ErrorCode.PUSH_NOT_ACCEPTED,
                    name,
                    "this view takes no pushes; set "
                            + "spec.push.enabled: true on its FeatureView to write to its table");
        }
        return accepting(view);
    }

    /** {@code view}, unless its pushes are refused (its push source is contested). */
    private static ServedView accepting(ServedView view) {
        view.definition().push().flatMap(ViewDefinition.PushSettings::refused).ifPresent(reason -> {
            throw FeatureDuckException.ofView(ErrorCode.PUSH_NOT_ACCEPTED, view.name(), reason);
        });
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
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "'to' must be online, offline or "
                            + "online_and_offline; each writes the view's table, which serves both");
        }
        return to;
    }

    /**
     * Checks {@code df} as {@link #push} does and queues it, without waiting for the commit: the rows are retried while
     * the failure is one that passes ({@link #ASYNC_ATTEMPTS} commits in all), and rows that still cannot be written
     * are counted and reported on the view ({@link #state}), never dropped unseen.
     */
    public void pushAsync(ServedView view, JsonNode df, Grant grant) {
        grant.require(view.name());
        ViewDefinition definition = view.definition();
        Batcher batcher = batcher(definition);
        submitAsync(definition, check(batcher, df, columns(view)), 1);
    }

    private void submitAsync(ViewDefinition definition, PushedRows rows, int attempt) {
        CompletableFuture<TableWriter.Committed> committing;
        try {
            committing = batcher(definition).batcher().submit(rows);
        } catch (RuntimeException e) {
            committing = CompletableFuture.failedFuture(e);
        }
        committing.whenComplete((committed, failure) -> {
            if (failure == null) {
                return;
            }
            boolean passes = failure instanceof FeatureDuckException known
                    && known.code().retryable();
            if (passes && attempt < ASYNC_ATTEMPTS) {
                long delay = ASYNC_RETRY_DELAY.toMillis() << (attempt - 1);
                LOG.info(
                        "FeatureView '{}': {} asynchronously acknowledged rows not committed ({}); retrying in {} ms",
                        definition.name(),
                        rows.size(),
                        failure.getMessage(),
                        delay);
                retries.schedule(
                        () -> submitAsync(current(definition), rows, attempt + 1), delay, TimeUnit.MILLISECONDS);
                return;
            }
            PushRecord record = records.computeIfAbsent(definition.name(), n -> new PushRecord());
            record.lastError = failure instanceof FeatureDuckException known ? known.getMessage() : failure.toString();
            record.lastErrorAt = clock.instant();
            if (failure instanceof FeatureDuckException known && known.code() == ErrorCode.PUSH_UNCONFIRMED) {
                return; // committed, just not read back: written, and reported as the view's error
            }
            record.unwrittenRows.addAndGet(rows.size());
            listener.unwritten(definition.name(), rows.size());
            LOG.error(
                    "FeatureView '{}': {} asynchronously acknowledged rows could not be written after {} attempts: "
                            + "{}",
                    definition.name(),
                    rows.size(),
                    attempt,
                    record.lastError);
        });
    }

    /** The definition now served under the view's name (a retry follows a reload); the old one if it is gone. */
    private ViewDefinition current(ViewDefinition definition) {
        return registry.view(definition.name())
                .map(ServedView::definition)
                .filter(d -> d.push().isPresent())
                .orElse(definition);
    }

    /** What became of the view's pushes beyond their answers. */
    public PushState state(String view) {
        PushRecord record = records.get(view);
        Batcher batcher = batchers.get(view);
        Optional<String> suspended = registry.view(view)
                .flatMap(v -> v.definition().push())
                .flatMap(ViewDefinition.PushSettings::refused)
                .or(() -> batcher == null ? Optional.empty() : batcher.batcher().suspendedReason());
        if (record == null) {
            return new PushState(0, Optional.empty(), Optional.empty(), suspended);
        }
        return new PushState(
                record.unwrittenRows.get(),
                Optional.ofNullable(record.lastError),
                Optional.ofNullable(record.lastErrorAt),
                suspended);
    }

    /**
     * Failures reach the caller as they were thrown (a {@code FeatureDuckException} with its code), not wrapped in
     * a {@code CompletionException}, so every route maps them as it maps any other failure.
     */
    private CompletableFuture<Pushed> submit(ServedView view, JsonNode df, List<SourceColumn> columns) {
        ViewDefinition definition = view.definition();
        Batcher batcher = batcher(definition);
        PushedRows rows = check(batcher, df, columns);
        CompletableFuture<Pushed> pushed = new CompletableFuture<>();
        batcher.batcher().submit(rows).whenComplete((committed, failure) -> {
            if (failure != null) {
                pushed.completeExceptionally(failure);
            } else {
                pushed.complete(new Pushed(definition.name(), committed.version(), committed.rows()));
            }
        });
        return pushed;
    }

    /** Everything that can be known about the rows before they join a batch: types, ranges, partition directories. */
    private PushedRows check(Batcher batcher, JsonNode df, List<SourceColumn> columns) {
        ViewDefinition definition = batcher.definition();
        PushedRows rows = PushValidator.validate(
                definition, df, columns, definition.push().orElseThrow().maxBatchRows(), clock.instant());
        batcher.writer().writer().check(rows);
        return rows;
    }

    /** The table's columns as served; read from the table for a view that is not loaded online. */
    private List<SourceColumn> columns(ServedView view) {
        Optional<List<SourceColumn>> served = view.index()
                .filter(i -> i.view().equals(view.definition()))
                .map(i -> i.snapshot().columns());
        if (served.isPresent()) {
            return served.get();
        }
        if (view.definition().online()) {
            throw FeatureDuckException.ofView(
                    ErrorCode.VIEW_NOT_READY,
                    view.name(),
                    "the view is not loaded yet, so "
                            + "pushes cannot be checked against its table; retry once it is ready"
                            + view.lastError().map(e -> " (" + e + ")").orElse(""));
        }
        try {
            return sources.forView(view.definition()).latestSnapshot().columns();
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(view.name(), e);
        }
    }

    private Batcher batcher(ViewDefinition definition) {
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
            PushBatcher batcher = new PushBatcher(
                    name,
                    writer.writer(),
                    settings.flushInterval(),
                    settings.maxBatchRows(),
                    committed -> readBack(definition, committed.version()),
                    version -> readable(definition, version),
                    listener);
            return new Batcher(definition, batcher, writer);
        });
        return current;
    }

    /**
     * Reads a committed version back before its pushes are answered: a view served online takes it into its index
     * (reading the new files); a view kept for historical retrieval only reads the version's metadata and finds each
     * of its data files.
     */
    private void readBack(ViewDefinition definition, long version) {
        if (definition.online()) {
            registry.refreshToInclude(definition.name(), version);
            return;
        }
        TableSnapshot snapshot = sources.forView(definition).latestSnapshot();
        if (snapshot.version() < version) {
            throw FeatureDuckException.ofView(
                    ErrorCode.TABLE_UNAVAILABLE,
                    definition.name(),
                    "the table reads as " + "version " + snapshot.version() + ", before the committed version "
                            + version);
        }
        for (DataFile file : snapshot.dataFiles()) {
            if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(file.path()))) {
                throw FeatureDuckException.ofView(
                        ErrorCode.TABLE_UNAVAILABLE,
                        definition.name(),
                        "version "
                                + snapshot.version() + " names a data file that is not there: "
                                + java.nio.file.Path.of(file.path()).getFileName());
            }
        }
    }

    private boolean readable(ViewDefinition definition, long version) {
        if (definition.online()) {
            return registry.serves(definition.name(), version);
        }
        try {
            readBack(definition, version);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A batcher of an older definition commits what it holds, off the caller's thread. */
    private static void retire(Batcher old) {
        Thread closer = new Thread(
                () -> {
                    old.batcher().close();
                    old.writer().close();
                },
                "push-retire-" + old.definition().name());
        closer.setDaemon(true);
        closer.start();
    }

    /** Commits every waiting push, then closes the writers. */
    @Override
    public void close() {
        retries.shutdown();
        for (Batcher batcher : batchers.values()) {
            batcher.batcher().close();
            batcher.writer().close();
        }
        batchers.clear();
        LOG.debug("push writers closed");
    }
}
