package io.featureduck.dataplane.metrics;

import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.online.EventLog;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.write.PushService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;

/**
 * Everything the data plane reports to Prometheus: request latency per route, lookups per view and status, and per
 * view the index size, table version and load durations. Meters are created once and cached, so recording on the
 * request path is a map probe and an atomic add.
 */
public final class DataPlaneMetrics implements ViewRegistry.LoadListener, PushService.Listener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> lookupCounters = new ConcurrentHashMap<>();
    /** Counted on every online request that asks other shards: registered once, not looked up per request. */
    private final Counter fanOut = Counter.builder("featureduck_shard_fan_out")
            .description("Calls to other shards made while answering online requests")
            .register(registry);

    public DataPlaneMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Gauges read the registry's current state, so they follow reloads without re-registration. */
    public void watch(ViewRegistry views) {
        views.addListener(this);
        track(views);
    }

    /**
     * Registers the per-view gauges of views added since the last call and removes those of views no longer served.
     * Called again whenever the serving configuration changes.
     */
    public synchronized void track(ViewRegistry views) {
        Set<String> served = new HashSet<>();
        views.views().forEach(v -> served.add(v.name()));
        for (Meter meter : registry.getMeters()) {
            String view = meter.getId().getTag("view");
            if (view != null && !served.contains(view) && meter instanceof Gauge) {
                registry.remove(meter);
            }
        }
        for (String name : served) {
            gauge(views, name, "featureduck_view_entities", "Entities held in the online index", index -> index.size());
            gauge(
                    views,
                    name,
                    "featureduck_view_table_version",
                    "Table version the online index was built from",
                    OnlineIndex::tableVersion);
            gauge(
                    views,
                    name,
                    "featureduck_view_index_value_bytes",
                    "Raw bytes of the values held in the online index",
                    OnlineIndex::rawValueBytes);
            gauge(
                    views,
                    name,
                    "featureduck_view_aggregation_events",
                    "Events held for the view's time-window aggregations",
                    index -> index.events().map(EventLog::size).orElse(0));
            gauge(
                    views,
                    name,
                    "featureduck_view_aggregation_bytes",
                    "Bytes of the events held for the view's time-window aggregations",
                    index -> index.events().map(EventLog::bytes).orElse(0L));
            gauge(
                    views,
                    name,
                    "featureduck_view_data_age_seconds",
                    "Seconds since the served table version was committed",
                    index -> (System.currentTimeMillis()
                                    - index.tableCommitTime().toEpochMilli())
                            / 1000.0);
            Gauge.builder(
                            "featureduck_view_ready",
                            views,
                            r -> r.view(name).flatMap(ServedView::index).isPresent() ? 1 : 0)
                    .description("1 when the view has an index to serve")
                    .tag("view", name)
                    .register(registry);
        }
    }

    private void gauge(
            ViewRegistry views, String view, String metric, String description, ToDoubleFunction<OnlineIndex> value) {
        Gauge.builder(
                        metric,
                        views,
                        r -> r.view(view)
                                .flatMap(ServedView::index)
                                .map(value::applyAsDouble)
                                .orElse(Double.NaN))
                .description(description)
                .tag("view", view)
                .register(registry);
    }

    /** The latency timers of one HTTP route, by status code: looked up per request without building a key. */
    public RouteTimers routeTimers(String route) {
        return new RouteTimers(route);
    }

    public final class RouteTimers {
        private final String route;
        private final AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(600);

        private RouteTimers(String route) {
            this.route = route;
        }

        public Timer timer(int status) {
            int slot = status >= 0 && status < 600 ? status : 0;
            Timer timer = byStatus.get(slot);
            if (timer == null) {
                // Registering the same meter again returns the one registered: racing threads share it.
                timer = Timer.builder("featureduck_http_server_requests")
                        .description("HTTP request latency")
                        .tag("route", route)
                        .tag("status", Integer.toString(status))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(50_000))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry);
                byStatus.set(slot, timer);
            }
            return timer;
        }
    }

    /** The latency of gRPC calls of {@code method} (e.g. {@code ServingService/GetOnlineFeatures}) ending in {@code code}. */
    public Timer grpcTimer(String method, String code) {
        String key = "grpc\u0000" + method + '\u0000' + code;
        Timer timer = requestTimers.get(key);
        if (timer == null) {
            timer = requestTimers.computeIfAbsent(
                    key,
                    k -> Timer.builder("featureduck_grpc_server_requests")
                            .description("gRPC call latency")
                            .tag("method", method)
                            .tag("code", code)
                            .publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofNanos(50_000))
                            .maximumExpectedValue(Duration.ofSeconds(10))
                            .register(registry));
        }
        return timer;
    }

    @Override
    public void committed(String view, int pushes, int rows, int retries, Duration commit, Duration served) {
        Counter.builder("featureduck_push_rows")
                .description("Rows committed by pushes")
                .tag("view", view)
                .register(registry)
                .increment(rows);
        Counter.builder("featureduck_push_requests")
                .description("Pushes committed")
                .tag("view", view)
                .register(registry)
                .increment(pushes);
        Counter.builder("featureduck_push_conflicts_retried")
                .description("Commits retried after another writer's")
                .tag("view", view)
                .register(registry)
                .increment(retries);
        pushTimer("featureduck_push_commit", "Writing and committing one batch of pushes", view)
                .record(commit);
        pushTimer("featureduck_push_served", "From a push commit until this pod serves it", view)
                .record(served);
    }

    @Override
    public void failed(String view, int rows, io.featureduck.dataplane.error.ErrorCode code) {
        Counter.builder("featureduck_push_failed_rows")
                .description("Pushed rows that could not be committed")
                .tag("view", view)
                .tag("code", code.name())
                .register(registry)
                .increment(rows);
    }

    @Override
    public void unwritten(String view, int rows) {
        Counter.builder("featureduck_push_unwritten_async_rows")
                .description("Rows acknowledged with ack=async that " + "could not be written after every retry")
                .tag("view", view)
                .register(registry)
                .increment(rows);
    }

    private Timer pushTimer(String name, String description, String view) {
        return Timer.builder(name)
                .description(description)
                .tag("view", view)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    /**
     * A call to another shard of a sharded store failed (no replica answered): its keys were answered
     * {@code UNAVAILABLE}.
     */
    public void recordShardFailure(int shard) {
        Counter.builder("featureduck_shard_failures")
                .description("Calls to another shard that no replica answered; their keys were answered UNAVAILABLE")
                .tag("shard", Integer.toString(shard))
                .register(registry)
                .increment();
    }

    /** A call answered with rows of other shards: how many shards were asked. */
    public void recordFanOut(int shards) {
        fanOut.increment(shards);
    }

    public void record(String view, LookupStatus status) {
        Counter[] counters = lookupCounters.get(view);
        if (counters == null) {
            counters = lookupCounters.computeIfAbsent(view, v -> {
                Counter[] created = new Counter[LookupStatus.values().length];
                for (LookupStatus s : LookupStatus.values()) {
                    created[s.ordinal()] = Counter.builder("featureduck_online_lookups")
                            .description("Entity lookups by view and status")
                            .tag("view", v)
                            .tag("status", s.name())
                            .register(registry);
                }
                return created;
            });
        }
        counters[status.ordinal()].increment();
    }

    @Override
    public void loaded(OnlineIndex index, Duration took, boolean incremental) {
        Timer.builder("featureduck_view_load")
                .description("Time to build or refresh a view's online index")
                .tag("view", index.view().name())
                .tag("outcome", "success")
                .tag("kind", incremental ? "incremental" : "full")
                .register(registry)
                .record(took);
    }

    @Override
    public void failed(ViewDefinition view, String error) {
        Counter.builder("featureduck_view_load_failures")
                .description("Failed loads of a view's online index")
                .tag("view", view.name())
                .register(registry)
                .increment();
    }

    public String scrape() {
        return registry.scrape();
    }
}
