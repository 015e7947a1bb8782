package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.TablePin;
import io.featureduck.crds.report.ViewReport;
import io.featureduck.crds.report.ViewsReport;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.Redaction;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRefresher;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.write.PushService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /v1/views} and {@code GET /v1/views/{name}}: what each view is (schema, entities, source) and what this
 * pod serves of it (state, table version, entities loaded, when, last error), as the {@link ViewReport} contract the
 * operator reads for status.
 */
final class ViewsHandler {
    private final ViewRegistry registry;
    private final ObjectMapper json;
    private final Clock clock;

    private final Redaction redaction;
    private final Function<String, PushService.PushState> pushes;

    ViewsHandler(
            ViewRegistry registry,
            ObjectMapper json,
            Clock clock,
            Redaction redaction,
            Function<String, PushService.PushState> pushes) {
        this.pushes = pushes;
        this.registry = registry;
        this.json = json;
        this.clock = clock;
        this.redaction = redaction;
    }

    /** {@code GET /v1/views}: the views the caller may describe. */
    void list(RoutingContext ctx) {
        Grant grant = Authentication.grant(ctx);
        sendViews(ctx, grant::allows);
    }

    /** {@code GET /v1/views/{name}}, for a caller that may describe it. */
    void one(RoutingContext ctx) {
        // Permission first: a caller that may not see a view does not learn whether it exists.
        Authentication.grant(ctx).require(ctx.pathParam("name"));
        reportOne(ctx);
    }

    /** One view, for the operator on the management port. */
    void reportOne(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Optional<ServedView> view = registry.view(name);
        if (view.isPresent()) {
            send(ctx, report(view.get(), clock.millis(), redaction, pushes));
            return;
        }
        String reason = registry.refusal(name).orElseThrow(() -> ServingConfig.notServed(name, Optional.empty()));
        send(ctx, ViewReport.refused(name, redaction.apply(reason)));
    }

    /** Every view, for the operator on the management port. */
    void report(RoutingContext ctx) {
        sendViews(ctx, name -> true);
    }

    private void sendViews(RoutingContext ctx, java.util.function.Predicate<String> shown) {
        long now = clock.millis();
        List<ViewReport> reports = new ArrayList<>();
        registry.views().stream()
                .filter(v -> shown.test(v.definition().name()))
                .forEach(v -> reports.add(report(v, now, redaction, pushes)));
        registry.refusals().forEach((name, reason) -> {
            if (shown.test(name)) {
                reports.add(ViewReport.refused(name, redaction.apply(reason)));
            }
        });
        send(
                ctx,
                new ViewsReport(
                        registry.configurationError().map(redaction::apply).orElse(null), reports));
    }

    private void send(RoutingContext ctx, Object body) {
        try {
            ctx.response()
                    .putHeader("content-type", "application/json")
                    .end(Buffer.buffer(json.writeValueAsBytes(body)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    private static Optional<ViewReport.Aggregations> aggregations(OnlineIndex index, long nowMillis) {
        return index.events().map(log -> {
            ViewAggregations aggregations = index.view().aggregations();
            long history = log.earliestMicros();
            long nowMicros = nowMillis * 1000;
            return new ViewReport.Aggregations(
                    aggregations.features().stream()
                            .map(f -> {
                                int input = aggregations.inputOf(f);
                                boolean short_ = history != Long.MAX_VALUE
                                        && !f.window().isLifetime()
                                        && nowMicros - f.window().micros() < history;
                                return new ViewReport.Aggregated(
                                        f.name(),
                                        f.type().wireName(),
                                        f.function().wireName(),
                                        f.window().text(),
                                        input < 0 ? 0 : log.inputBytes(input),
                                        short_
                                                ? "the table's events start at " + EventTime.format(history)
                                                        + ": this " + f.window().text()
                                                        + " window covers only what the table holds"
                                                : null);
                            })
                            .toList(),
                    log.size(),
                    log.afterMicros() == Long.MIN_VALUE ? null : EventTime.format(log.afterMicros()),
                    log.bytes(),
                    index.size() == 0 ? 0 : (double) log.bytes() / index.size(),
                    history == Long.MAX_VALUE ? null : EventTime.format(history));
        });
    }

    /** What this pod serves of {@code served} at {@code nowMillis}, local paths shown as {@code redaction} says. */
    static ViewReport report(
            ServedView served, long nowMillis, Redaction redaction, Function<String, PushService.PushState> pushes) {
        // The definition of the index being served: after a change, the new definition shows once its index serves.
        ViewDefinition view = served.index().map(OnlineIndex::view).orElse(served.definition());
        Optional<OnlineIndex> index = served.index();
        return new ViewReport(
                view.name(),
                served.state(),
                new ViewReport.Source(
                        view.format().wireName(),
                        redaction.apply(view.location().toString()),
                        view.timestampColumn(),
                        view.createdTimestampColumn()),
                view.entities().stream()
                        .map(e -> new ViewReport.Column(e.name(), e.type().wireName(), null))
                        .toList(),
                view.features().stream()
                        .map(f -> new ViewReport.Column(
                                f.name(), f.type().wireName(), f.hasExpression() ? f.expression() : null))
                        .toList(),
                view.ttl().map(java.time.Duration::toSeconds).orElse(null),
                view.online(),
                index.map(OnlineIndex::tableVersion).orElse(null),
                index.map(i -> i.dataAgeSeconds(nowMillis)).orElse(null),
                index.map(i -> i.tableCommitTime().toString()).orElse(null),
                index.map(OnlineIndex::sourceRows).orElse(null),
                index.map(i -> (long) i.size()).orElse(null),
                index.map(i -> i.loadedAt().toString()).orElse(null),
                index.map(OnlineIndex::rawValueBytes).orElse(null),
                served.lastLoadTime().map(java.time.Duration::toMillis).orElse(null),
                served.definition()
                        .refreshInterval()
                        .orElse(ViewRefresher.DEFAULT_INTERVAL)
                        .toSeconds(),
                served.lastCheckedAt().map(Instant::toString).orElse(null),
                served.lastError().map(redaction::apply).orElse(null),
                served.lastErrorAt().map(Instant::toString).orElse(null),
                served.failures(),
                served.retryAt().map(Instant::toString).orElse(null),
                index.isPresent() && served.lastError().isPresent(),
                view.onDemand().stream()
                        .map(f -> new ViewReport.Column(f.name(), f.type().wireName(), f.expression()))
                        .toList(),
                view.requestData().stream()
                        .map(f -> new ViewReport.Column(f.name(), f.type().wireName(), null))
                        .toList(),
                view.pin().map(TablePin::describe).orElse(null),
                index.isPresent() && !view.equals(served.definition()),
                index.map(i -> (long) i.snapshot().dataFiles().size()).orElse(null),
                index.map(i -> i.snapshot().dataFiles().stream()
                                .filter(f -> f.sizeBytes() < ViewReport.SMALL_FILE_BYTES)
                                .count())
                        .orElse(null),
                view.push()
                        .map(p -> {
                            PushService.PushState state = pushes.apply(view.name());
                            return new ViewReport.Push(
                                    p.sourceName(),
                                    p.flushInterval().toMillis(),
                                    p.maxBatchRows(),
                                    state.unwrittenAsyncRows(),
                                    state.lastError().map(redaction::apply).orElse(null),
                                    state.lastErrorAt().map(Instant::toString).orElse(null),
                                    state.suspended().map(redaction::apply).orElse(null));
                        })
                        .orElse(null),
                index.flatMap(ViewsHandler::shard).orElse(null),
                index.flatMap(i -> aggregations(i, nowMillis)).orElse(null));
    }

    private static Optional<ViewReport.Shard> shard(OnlineIndex index) {
        OnlineIndex.Holding holding = index.holding();
        return holding.held()
                .map(layout -> new ViewReport.Shard(
                        layout.toString(),
                        layout.firstSlot(),
                        layout.endSlot(),
                        holding.keptRows(),
                        index.sourceRows() / (double) Math.max(1, holding.keptRows())));
    }
}
