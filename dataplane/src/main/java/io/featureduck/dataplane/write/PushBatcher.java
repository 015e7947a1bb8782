package io.featureduck.dataplane.write;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the pushes to one view into few commits: rows wait up to {@code flushInterval} from the first of them, or
 * until {@code maxRows} are waiting, and then go to the table in one append. A push is never split: all its rows are
 * in the same commit. Commits of a view run one after another on the batcher's own thread, so pushes never race each
 * other for the table, only other writers.
 *
 * <p>One push never takes the others of its batch down: a batch whose commit fails is split in halves, each
 * committed on its own, until the pushes that fail are alone. A commit is answered only once {@code readBack} has
 * read it: one that cannot be read fails its pushes, and pushes stay suspended until the view serves that version
 * or a later one, so no push is answered "committed" for a version nobody can read.
 */
final class PushBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushBatcher.class);

    /** A push waiting for its commit. */
    private record Pending(PushedRows rows, CompletableFuture<TableWriter.Committed> done) {}

    /** Reads a committed version back where the view is served; throws when it cannot. */
    interface ReadBack {
        void read(TableWriter.Committed committed);
    }

    /** A committed version that could not be read back, and why. */
    private record Unreadable(long version, String reason) {}

    private final String view;
    private final TableWriter writer;
    private final Duration flushInterval;
    private final int maxRows;
    private final ReadBack readBack;
    private final LongPredicate serves;
    private final PushService.Listener listener;
    private final ScheduledExecutorService thread;
    private final List<Pending> pending = new ArrayList<>();
    private int pendingRows;
    private boolean closed;
    private volatile Unreadable suspended;

    /**
     * @param readBack runs on the batcher's thread after each commit, before the pushes in it are answered: the
     *                 receiving pod serves the rows there
     * @param serves   whether the view is served at (at least) a table version, which lifts a suspension
     */
    PushBatcher(
            String view,
            TableWriter writer,
            Duration flushInterval,
            int maxRows,
            ReadBack readBack,
            LongPredicate serves,
            PushService.Listener listener) {
        this.listener = listener;
        this.view = view;
        this.writer = writer;
        this.flushInterval = flushInterval;
        this.maxRows = maxRows;
        this.readBack = readBack;
        this.serves = serves;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "push-" + view);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Completes once the rows are committed (and served here), or fails with why nothing was written.
     *
     * @throws FeatureDuckException {@code PUSHES_SUSPENDED} while a commit of this view cannot be read back
     */
    CompletableFuture<TableWriter.Committed> submit(PushedRows rows) {
        suspension().ifPresent(unreadable -> {
            throw suspendedPush(unreadable);
        });
        CompletableFuture<TableWriter.Committed> done = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the view's push batcher is closed");
            }
            pending.add(new Pending(rows, done));
            pendingRows += rows.size();
            if (pendingRows >= maxRows) {
                thread.execute(this::flush);
            } else if (pending.size() == 1) {
                thread.schedule(this::flush, flushInterval.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        return done;
    }

    /** Why pushes are refused, while a committed version has not been served since it failed to read back. */
    Optional<String> suspendedReason() {
        return suspension().map(u -> "version " + u.version() + " cannot be read back: " + u.reason());
    }

    /** A push refused while {@code unreadable} is not served: nothing of it was written. */
    private FeatureDuckException suspendedPush(Unreadable unreadable) {
        return FeatureDuckException.ofView(
                ErrorCode.PUSHES_SUSPENDED,
                view,
                "pushes are suspended: table version "
                        + unreadable.version() + ", committed by earlier pushes, cannot be read back here ("
                        + unreadable.reason()
                        + "); nothing of this push was written, and pushes resume once the view serves "
                        + "that version or a later one");
    }

    private Optional<Unreadable> suspension() {
        Unreadable unreadable = suspended;
        if (unreadable != null && serves.test(unreadable.version())) {
            LOG.info("FeatureView '{}': version {} is served now; pushes resume", view, unreadable.version());
            suspended = null;
            return Optional.empty();
        }
        return Optional.ofNullable(unreadable);
    }

    private void flush() {
        List<Pending> batch = take();
        if (batch.isEmpty()) {
            return;
        }
        // Pushes checked against different table schemas (the view refreshed in between) commit separately.
        List<Pending> group = new ArrayList<>();
        for (Pending push : batch) {
            if (!group.isEmpty()
                    && !group.get(0).rows().columns().equals(push.rows().columns())) {
                commit(group);
                group = new ArrayList<>();
            }
            group.add(push);
        }
        commit(group);
    }

    /** Whole pushes, oldest first, up to {@code maxRows} rows (at least one push). */
    private synchronized List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        int rows = 0;
        while (!pending.isEmpty()
                && (batch.isEmpty() || rows + pending.get(0).rows().size() <= maxRows)) {
            Pending next = pending.remove(0);
            rows += next.rows().size();
            batch.add(next);
        }
        pendingRows -= rows;
        if (closed) {
            return batch; // close() drains what is left
        }
        if (pendingRows >= maxRows) {
            thread.execute(this::flush);
        } else if (!pending.isEmpty()) {
            thread.schedule(this::flush, flushInterval.toNanos(), TimeUnit.NANOSECONDS);
        }
        return batch;
    }

    private void commit(List<Pending> group) {
        Optional<Unreadable> unreadable = suspension();
        if (unreadable.isPresent()) {
            FeatureDuckException refused = suspendedPush(unreadable.get());
            group.forEach(p -> p.done().completeExceptionally(refused));
            return;
        }
        PushedRows rows = PushedRows.concat(group.stream().map(Pending::rows).toList());
        TableWriter.Committed committed;
        long start = System.nanoTime();
        try {
            committed = writer.append(rows);
        } catch (RuntimeException | Error e) {
            if (group.size() > 1 && splittable(e)) {
                // Which push is at fault is unknown: halves are committed on their own until it is alone.
                LOG.info(
                        "FeatureView '{}': a batch of {} pushes failed to commit ({}); committing it in halves",
                        view,
                        group.size(),
                        e.toString());
                commit(group.subList(0, group.size() / 2));
                commit(group.subList(group.size() / 2, group.size()));
                return;
            }
            LOG.warn(
                    "FeatureView '{}': {} pushes ({} rows) not committed: {}",
                    view,
                    group.size(),
                    rows.size(),
                    e.toString());
            group.forEach(p -> p.done().completeExceptionally(e));
            listener.failed(
                    view, rows.size(), e instanceof FeatureDuckException known ? known.code() : ErrorCode.INTERNAL);
            return;
        }
        long written = System.nanoTime();
        try {
            readBack.read(committed);
        } catch (RuntimeException e) {
            String reason = e instanceof FeatureDuckException known ? known.getMessage() : e.toString();
            suspended = new Unreadable(committed.version(), reason);
            LOG.error(
                    "FeatureView '{}': version {} is committed but cannot be read back here; pushes are suspended "
                            + "until it is served: {}",
                    view,
                    committed.version(),
                    reason);
            FeatureDuckException unconfirmed = FeatureDuckException.ofView(
                    ErrorCode.PUSH_UNCONFIRMED,
                    view,
                    "the rows "
                            + "were committed as table version " + committed.version()
                            + ", which this pod cannot read back ("
                            + reason
                            + "); do not push them again. The view is degraded and takes no pushes until it serves "
                            + "that version");
            group.forEach(p -> p.done().completeExceptionally(unconfirmed));
            listener.failed(view, rows.size(), ErrorCode.PUSH_UNCONFIRMED);
            return;
        }
        long served = System.nanoTime();
        listener.committed(
                view,
                group.size(),
                rows.size(),
                committed.retries(),
                Duration.ofNanos(written - start),
                Duration.ofNanos(served - written));
        LOG.debug(
                "FeatureView '{}': {} pushes, {} rows committed as version {} in {} ms, served here {} ms later",
                view,
                group.size(),
                rows.size(),
                committed.version(),
                (written - start) / 1_000_000,
                (served - written) / 1_000_000);
        for (Pending push : group) {
            push.done()
                    .complete(new TableWriter.Committed(
                            committed.version(), committed.files(), push.rows().size(), committed.retries()));
        }
    }

    /**
     * Whether committing a batch's halves apart may succeed where the batch failed: not when the table refuses every
     * write or other writers keep winning, which would only multiply the attempts.
     */
    private static boolean splittable(Throwable failure) {
        return !(failure instanceof FeatureDuckException known)
                || known.code() != ErrorCode.TABLE_NOT_WRITABLE
                        && !(known.getCause() instanceof io.delta.kernel.exceptions.ConcurrentWriteException)
                        && !(known.getCause() instanceof org.apache.iceberg.exceptions.CommitFailedException);
    }

    private synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Commits what is waiting, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        thread.execute(() -> {
            while (hasPending()) {
                flush();
            }
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("FeatureView '{}': pushes still committing after 30 s at shutdown", view);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
