package io.featureduck.dataplane.write;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the pushes to one view into few commits: rows wait up to {@code flushInterval} from the first of them, or
 * until {@code maxRows} are waiting, and then go to the table in one append. A push is never split: all its rows are
 * in the same commit. Commits of a view run one after another on the batcher's own thread, so pushes never race each
 * other for the table, only other writers.
 */
final class PushBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushBatcher.class);

    /** A push waiting for its commit. */
    private record Pending(PushedRows rows, CompletableFuture<TableWriter.Committed> done) {
    }

    private final String view;
    private final TableWriter writer;
    private final Duration flushInterval;
    private final int maxRows;
    private final Consumer<TableWriter.Committed> afterCommit;
    private final PushService.Listener listener;
    private final ScheduledExecutorService thread;
    private final List<Pending> pending = new ArrayList<>();
    private int pendingRows;
    private boolean closed;

    /**
     * @param afterCommit runs on the batcher's thread after each commit, before the pushes in it are answered: the
     *                    receiving pod's index takes the rows there
     */
    PushBatcher(String view, TableWriter writer, Duration flushInterval, int maxRows,
                Consumer<TableWriter.Committed> afterCommit, PushService.Listener listener) {
        this.listener = listener;
        this.view = view;
        this.writer = writer;
        this.flushInterval = flushInterval;
        this.maxRows = maxRows;
        this.afterCommit = afterCommit;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "push-" + view);
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes once the rows are committed (and served here), or fails with why nothing was written. */
    CompletableFuture<TableWriter.Committed> submit(PushedRows rows) {
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

    private void flush() {
        List<Pending> batch = take();
        if (batch.isEmpty()) {
            return;
        }
        // Pushes checked against different table schemas (the view refreshed in between) commit separately.
        List<Pending> group = new ArrayList<>();
        for (Pending push : batch) {
            if (!group.isEmpty() && !group.get(0).rows().columns().equals(push.rows().columns())) {
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
        while (!pending.isEmpty() && (batch.isEmpty() || rows + pending.get(0).rows().size() <= maxRows)) {
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
        PushedRows rows = PushedRows.concat(group.stream().map(Pending::rows).toList());
        TableWriter.Committed committed;
        long start = System.nanoTime();
        try {
            committed = writer.append(rows);
        } catch (RuntimeException | Error e) {
            LOG.warn("FeatureView '{}': {} pushes ({} rows) not committed: {}", view, group.size(), rows.size(),
                    e.toString());
            group.forEach(p -> p.done().completeExceptionally(e));
            listener.failed(view, rows.size(), e instanceof io.featureduck.dataplane.error.FeatureDuckException known
                    ? known.code() : io.featureduck.dataplane.error.ErrorCode.INTERNAL);
            return;
        }
        long written = System.nanoTime();
        try {
            afterCommit.accept(committed);
        } catch (RuntimeException e) {
            LOG.warn("FeatureView '{}': version {} is committed but not yet served here: {}", view,
                    committed.version(), e.toString());
        }
        long served = System.nanoTime();
        listener.committed(view, group.size(), rows.size(), committed.retries(), Duration.ofNanos(written - start),
                Duration.ofNanos(served - written));
        LOG.debug("FeatureView '{}': {} pushes, {} rows committed as version {} in {} ms, served here {} ms later",
                view, group.size(), rows.size(), committed.version(), (written - start) / 1_000_000,
                (served - written) / 1_000_000);
        for (Pending push : group) {
            push.done().complete(new TableWriter.Committed(committed.version(), committed.files(), push.rows().size(),
                    committed.retries()));
        }
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
