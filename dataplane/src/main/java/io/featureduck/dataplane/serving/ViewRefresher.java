package io.featureduck.dataplane.serving;

import io.featureduck.crds.report.ViewState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls every online view's table at the view's {@code spec.refreshInterval} (one minute when unset) and asks the
 * registry to refresh it. After a failed load or refresh (an unreachable object store, expired credentials,
 * throttling, a broken commit) the view is tried again when its backoff says, whatever its interval, or at once
 * when a probe at its interval finds that the table has a new version (the commit that fixes a broken one). Each
 * tick looks at every view, so views added or changed by a configuration reload are followed without rescheduling
 * anything.
 */
public final class ViewRefresher implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    private final ViewRegistry registry;
    private final Clock clock;
    /** Views with a refresh submitted and not finished: a slow load is not queued again on every tick. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** When each view's table was last looked at, by a refresh or, during a backoff, by a version probe. */
    private final java.util.Map<String, Instant> probedAt = new ConcurrentHashMap<>();

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "view-refresher");
        thread.setDaemon(true);
        return thread;
    });

    private ViewRefresher(ViewRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    public static ViewRefresher start(ViewRegistry registry, Clock clock, Duration tick) {
        ViewRefresher refresher = new ViewRefresher(registry, clock);
        refresher.ticker.scheduleWithFixedDelay(
                refresher::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        return refresher;
    }

    void tick() {
        Instant now = clock.instant();
        for (ServedView view : registry.views()) {
            if (!view.definition().online() || view.state() == ViewState.LOADING || view.state() == ViewState.PENDING) {
                continue;
            }
            Duration interval = view.definition().refreshInterval().orElse(DEFAULT_INTERVAL);
            Instant due = view.retryAt()
                    .orElseGet(() -> view.lastCheckedAt().orElse(Instant.EPOCH).plus(interval));
            if (!now.isBefore(due) && inFlight.add(view.name())) {
                probedAt.put(view.name(), now);
                registry.refresh(view.name()).whenComplete((done, failure) -> inFlight.remove(view.name()));
            } else if (view.retryAt().isPresent()
                    && !now.isBefore(
                            probedAt.getOrDefault(view.name(), Instant.EPOCH).plus(interval))
                    && inFlight.add(view.name())) {
                // Backing off, but the table is still looked at every interval: a new version is tried at once.
                probedAt.put(view.name(), now);
                registry.retryIfChanged(view.name()).whenComplete((done, failure) -> inFlight.remove(view.name()));
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
