package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;

/**
 * The data plane's HTTP API on Vert.x Web. Online lookups run on the event loop because they are pure memory reads;
 * loading tables happens elsewhere ({@link ViewRegistry}) and never blocks it.
 */
public final class DataPlaneServer {
    private final Vertx vertx;
    private final ViewRegistry registry;
    private final HistoricalRetrieval historical;
    private final DataPlaneMetrics metrics;
    private final DataPlaneConfig options;
    private WorkerExecutor historicalWorkers;
    private final Clock clock;
    private HttpServer server;

    public DataPlaneServer(Vertx vertx, ViewRegistry registry, HistoricalRetrieval historical, DataPlaneMetrics metrics,
                           DataPlaneConfig options, Clock clock) {
        this.vertx = vertx;
        this.registry = registry;
        this.historical = historical;
        this.metrics = metrics;
        this.options = options;
        this.clock = clock;
    }

    private Router router() {
        // Formatting doubles is the largest single cost of a 50-feature response; Jackson's Schubfach writer took
        // 13% of the server's CPU samples where the JDK 17 formatter took 17%.
        ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .build());
        JsonFactory json = mapper.getFactory();
        JsonRequests requests = new JsonRequests(mapper);
        OnlineViews views = new OnlineViews(registry, options.maxBatchEntities(), clock, metrics);
        ViewsHandler viewsHandler = new ViewsHandler(registry, mapper, clock);
        ErrorResponses errors = new ErrorResponses(options.retryAfter());

        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()).setHandleFileUploads(false);
        timed(router.post("/v1/features/online").handler(body), "/v1/features/online")
                .handler(new OnlineFeaturesHandler(requests, views, json));
        timed(router.post("/get-online-features").handler(body), "/get-online-features")
                .handler(new FeastOnlineFeaturesHandler(requests, views, json));
        timed(router.post("/v1/features/historical"), "/v1/features/historical").handler(new HistoricalFeaturesHandler(
                vertx, historical, historicalWorkers, mapper, options.maxHistoricalBodyBytes()));
        timed(router.get("/v1/views"), "/v1/views").handler(viewsHandler::list);
        timed(router.get("/v1/views/:name"), "/v1/views/{name}").handler(viewsHandler::one);
        router.get("/health").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .end("{\"status\":\"UP\"}"));
        router.get("/ready").handler(this::ready);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));

        router.route().failureHandler(errors::handleFailure);
        router.errorHandler(400, errors.forStatus(400));
        router.errorHandler(404, errors.forStatus(404));
        router.errorHandler(405, errors.forStatus(405));
        router.errorHandler(500, errors.forStatus(500));
        return router;
    }

    /**
     * Times every request of a route, whatever its outcome, under the route's template name. Vert.x runs body
     * handlers first, so the time starts once the body has arrived.
     */
    private Route timed(Route route, String name) {
        return route.handler(ctx -> {
            long start = System.nanoTime();
            ctx.addEndHandler(done -> {
                Timer timer = metrics.requestTimer(name, ctx.response().getStatusCode());
                timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            });
            ctx.next();
        });
    }

    private void ready(RoutingContext ctx) {
        boolean ready = registry.isReady();
        ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "application/json")
                .end(ready ? "{\"status\":\"READY\"}" : "{\"status\":\"LOADING\"}");
    }

    public Future<HttpServer> start() {
        // Historical queries are heavy: a small dedicated pool, so they never starve the event loop or each other.
        historicalWorkers = vertx.createSharedWorkerExecutor("featureduck-historical", options.historicalWorkers());
        // HTTP/1.1 only on this port: an h2c upgrade offered by a client (the JDK's client offers one by default) is
        // declined. Mid-response upgrades of large answers were seen to corrupt the stream for such a client.
        HttpServerOptions serverOptions = new HttpServerOptions().setHost(options.host()).setPort(options.port())
                .setTcpNoDelay(true).setCompressionSupported(false).setHttp2ClearTextEnabled(false);
        return vertx.createHttpServer(serverOptions).requestHandler(router()).listen()
                .onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    public Future<Void> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> historicalWorkers == null ? Future.succeededFuture() : historicalWorkers.close());
    }
}
