package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.auth.AccessControl;
import io.featureduck.dataplane.auth.AccessKind;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.error.Redaction;
import io.featureduck.dataplane.grpc.FeastGrpcServer;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.lookup.OnlineLookup;
import io.featureduck.dataplane.lookup.OnlineViews;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.offline.FeastOfflineServer;
import io.featureduck.dataplane.registry.FeastRegistryService;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.shard.ShardClient;
import io.featureduck.dataplane.shard.ShardRouter;
import io.featureduck.dataplane.shard.ShardService;
import io.featureduck.dataplane.write.PushService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The data plane's servers on Vert.x: the HTTP API and management ports (Vert.x Web) and Feast's gRPC API
 * ({@link FeastGrpcServer}). The API port serves only the API, every route behind {@link Authentication}; the
 * management port serves probes, metrics and the view report the operator reads, without authentication and without
 * feature values, so the kubelet and Prometheus need no credentials. Both APIs answer online requests from one
 * {@link OnlineLookup}.
 *
 * <p>Online lookups run on the event loop because they are pure memory reads; loading tables happens elsewhere
 * ({@link ViewRegistry}), historical queries and Kubernetes access checks on their own worker pools.
 */
public final class DataPlaneServer {
    private final Vertx vertx;
    private final ViewRegistry registry;
    private final HistoricalRetrieval historical;
    private final DataPlaneMetrics metrics;
    private final DataPlaneConfig options;
    private final AccessControl access;
    private final Redaction redaction;
    private final Clock clock;
    private WorkerExecutor historicalWorkers;
    private WorkerExecutor authWorkers;
    private WorkerExecutor pushWorkers;
    private final PushService pushes;
    private HttpServer api;
    private HttpServer management;
    private Vertx probes;
    private FeastGrpcServer grpc;
    private FeastOfflineServer offline;
    private ShardClient shardClient;
    private final Supplier<ServingConfig> serving;
    private volatile boolean draining;

    public DataPlaneServer(
            Vertx vertx,
            ViewRegistry registry,
            HistoricalRetrieval historical,
            DataPlaneMetrics metrics,
            DataPlaneConfig options,
            AccessControl access,
            Redaction redaction,
            Clock clock,
            Supplier<ServingConfig> serving,
            PushService pushes) {
        this.pushes = pushes;
        this.redaction = redaction;
        this.serving = serving;
        this.vertx = vertx;
        this.registry = registry;
        this.historical = historical;
        this.metrics = metrics;
        this.options = options;
        this.access = access;
        this.clock = clock;
    }

    private Router apiRouter(
            ObjectMapper mapper, ErrorResponses errors, ViewsHandler viewsHandler, ShardRouter shards) {
        OnlineLookup lookup = shards.lookup();
        JsonFactory json = mapper.getFactory();
        JsonRequests requests = new JsonRequests(mapper);
        OnlineViews views = lookup.views();
        Authentication auth = new Authentication(access, authWorkers);

        Router router = Router.router(vertx);
        // Bodies are read as they arrive; a compressed one would have to be inflated past the body limit to be judged.
        router.route().handler(DataPlaneServer::uncompressedBodiesOnly);
        // A client that sends its request too slowly holds a connection and a buffer: answered 408 and closed.
        Handler<RoutingContext> timeout =
                TimeoutHandler.create(options.requestTimeout().toMillis(), 408);
        Handler<RoutingContext> body = jsonBody(
                BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()).setHandleFileUploads(false));
        timed(router.post("/v1/features/online").handler(timeout), "/v1/features/online")
                .handler(auth.require(AccessKind.ONLINE))
                .handler(body)
                .handler(new OnlineFeaturesHandler(requests, shards));
        timed(router.post("/get-online-features").handler(timeout), "/get-online-features")
                .handler(auth.require(AccessKind.ONLINE))
                .handler(body)
                .handler(new FeastOnlineFeaturesHandler(mapper, shards));
        timed(router.post("/v1/features/historical"), "/v1/features/historical")
                .handler(auth.require(AccessKind.HISTORICAL))
                .handler(new HistoricalFeaturesHandler(
                        vertx,
                        historical,
                        historicalWorkers,
                        mapper,
                        options.maxHistoricalBodyBytes(),
                        options.maxConcurrentHistorical()));
        timed(router.post("/v1/features/historical/spark-plan").handler(timeout), "/v1/features/historical/spark-plan")
                .handler(auth.require(AccessKind.HISTORICAL))
                .handler(body)
                .handler(new SparkPlanHandler(historical, requests, mapper, historicalWorkers, Authentication::grant));
        PushHandler push = new PushHandler(pushes, requests.exactNumbers(), mapper, pushWorkers, shards);
        timed(router.post("/push").handler(timeout), "/push")
                .handler(auth.require(AccessKind.WRITE))
                .handler(body)
                .handler(push::push);
        timed(router.post("/write-to-online-store").handler(timeout), "/write-to-online-store")
                .handler(auth.require(AccessKind.WRITE))
                .handler(body)
                .handler(push::writeToOnlineStore);
        timed(router.get("/v1/views"), "/v1/views")
                .handler(auth.require(AccessKind.DESCRIBE))
                .handler(viewsHandler::list);
        timed(router.get("/v1/views/:name"), "/v1/views/{name}")
                .handler(auth.require(AccessKind.DESCRIBE))
                .handler(viewsHandler::one);
        timed(router.get("/v1/feature-services"), "/v1/feature-services")
                .handler(auth.require(AccessKind.DESCRIBE))
                .handler(new FeatureServicesHandler(serving, mapper, redaction));
        errors.register(router);
        return router;
    }

    private Router managementRouter(Vertx loop, ObjectMapper mapper, ErrorResponses errors, ViewsHandler viewsHandler) {
        Router router = Router.router(loop);
        router.get("/health")
                .handler(ctx -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end("{\"status\":\"UP\"}"));
        router.get("/ready").handler(this::ready);
        router.get("/metrics")
                .handler(ctx -> ctx.response()
                        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape()));
        // The operator's status source: every view, as the management port is reachable only inside the cluster.
        router.get("/views").handler(viewsHandler::report);
        router.get("/views/:name").handler(viewsHandler::reportOne);
        // The operator's source of Spark plans for HistoricalRetrievals: table locations and SQL, no feature values,
        // so, like the view reports, without data-plane credentials.
        router.post("/spark-plan")
                .handler(jsonBody(BodyHandler.create(false)
                        .setBodyLimit(options.maxBodyBytes())
                        .setHandleFileUploads(false)))
                .handler(new SparkPlanHandler(
                        historical,
                        new JsonRequests(mapper),
                        mapper,
                        historicalWorkers,
                        ctx -> Grant.everything("featureduck-operator", AccessKind.HISTORICAL)));
        errors.register(router);
        return router;
    }

    /**
     * Times every request of a route, whatever its outcome, under the route's template name, from the moment its
     * headers are routed (refused and timed-out requests included).
     */
    private Route timed(Route route, String name) {
        // A platform handler, so that it runs first, before authentication and the body handler.
        DataPlaneMetrics.RouteTimers timers = metrics.routeTimers(name);
        return route.handler((PlatformHandler) ctx -> {
            long start = System.nanoTime();
            ctx.addEndHandler(done -> timers.timer(ctx.response().getStatusCode())
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
            ctx.next();
        });
    }

    /**
     * The body of a JSON route, read as JSON whatever its Content-Type says: {@code curl -d} sends
     * {@code application/x-www-form-urlencoded}, which the body handler would decode as a form (and fail on, once the
     * body is long enough for curl to send {@code Expect: 100-continue} too).
     */
    private static Handler<RoutingContext> jsonBody(BodyHandler body) {
        return ctx -> {
            String type = ctx.request().getHeader("content-type");
            if (type != null
                    && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
                            || type.regionMatches(true, 0, "multipart/", 0, 10))) {
                ctx.request().headers().remove("content-type");
            }
            body.handle(ctx);
        };
    }

    private static void uncompressedBodiesOnly(RoutingContext ctx) {
        String encoding = ctx.request().getHeader("content-encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            ctx.fail(new FeatureDuckException(
                    ErrorCode.UNSUPPORTED_ENCODING,
                    "request bodies are taken uncompressed, " + "not with Content-Encoding '" + encoding.strip()
                            + "'"));
            return;
        }
        ctx.next();
    }

    /** Ready for traffic, for /ready and the gRPC health service alike: first loads done, not draining. */
    private boolean serving() {
        return !draining && registry.isReady();
    }

    private void ready(RoutingContext ctx) {
        String state = serving() ? "READY" : draining ? "DRAINING" : "LOADING";
        ctx.response()
                .setStatusCode(state.equals("READY") ? 200 : 503)
                .putHeader("content-type", "application/json")
                .end("{\"status\":\"" + state + "\"}");
    }

    public Future<Void> start() {
        // Historical queries are heavy: a small dedicated pool, so they never starve the event loop or each other.
        historicalWorkers = vertx.createSharedWorkerExecutor("featureduck-historical", options.historicalWorkers());
        authWorkers = vertx.createSharedWorkerExecutor("featureduck-auth", 4);
        pushWorkers = vertx.createSharedWorkerExecutor("featureduck-push", 4);
        // Probes, metrics and the operator's view report get an event loop of their own: however busy the API's
        // loops are (a burst of expensive requests), the kubelet's probe is answered at once.
        probes = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true));
        ObjectMapper mapper = JsonRequests.strictMapper();
        ErrorResponses errors = new ErrorResponses(options.retryAfter(), redaction);
        ViewsHandler views = new ViewsHandler(registry, mapper, clock, redaction, pushes::state);
        OnlineLookup lookup = new OnlineLookup(
                new OnlineViews(registry, options.maxBatchEntities(), options.maxResponseBytes(), clock, metrics),
                name -> serving.get().servedService(name),
                options.onDemand());
        shardClient = new ShardClient(vertx, options);
        ShardRouter router = new ShardRouter(lookup, options.sharding(), shardClient, metrics);
        // HTTP/1.1 only on this port: an h2c upgrade offered by a client (the JDK's client offers one by default) is
        // declined. Mid-response upgrades of large answers were seen to corrupt the stream for such a client.
        HttpServerOptions apiOptions = new HttpServerOptions()
                .setHost(options.host())
                .setPort(options.port())
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) options.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        ServerCertificate certificate =
                options.tls().map(ServerCertificate::new).orElse(null);
        if (certificate != null) {
            // HTTP/1.1 over TLS as over plain TCP: no ALPN, so no HTTP/2 either.
            apiOptions.setSsl(true).setUseAlpn(false).setKeyCertOptions(certificate.initial());
        }
        HttpServerOptions managementOptions = new HttpServerOptions()
                .setHost(options.host())
                .setPort(options.managementPort())
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) options.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        grpc = new FeastGrpcServer(
                vertx,
                new FeastGrpcServer.Settings(
                        options.host(),
                        options.grpcPort(),
                        options.maxBodyBytes(),
                        options.idleTimeout(),
                        Optional.ofNullable(certificate).map(ServerCertificate::initial)),
                router,
                new ShardService(lookup.views(), registry),
                access,
                authWorkers,
                this::serving,
                redaction,
                metrics,
                pushes,
                pushWorkers,
                new FeastRegistryService(serving, Clock.systemUTC()));
        return vertx.createHttpServer(apiOptions)
                .requestHandler(apiRouter(mapper, errors, views, router))
                .invalidRequestHandler(errors::invalidRequest)
                .listen()
                .compose(s -> {
                    api = s;
                    return probes.createHttpServer(managementOptions)
                            .requestHandler(managementRouter(probes, mapper, errors, views))
                            .listen();
                })
                .compose(s -> {
                    management = s;
                    return grpc.start();
                })
                .compose(started -> vertx.executeBlocking(
                        () -> offline = new FeastOfflineServer(options, historical, access, redaction, metrics)))
                .onSuccess(started -> {
                    if (!options.configReloadInterval().isZero()) {
                        // The Secrets mounted into the pod (tokens, certificate) are reread as the serving file is:
                        // the kubelet swaps their files when they change.
                        vertx.setPeriodic(
                                options.configReloadInterval().toMillis(),
                                id -> vertx.executeBlocking(() -> reloadSecrets(certificate), false));
                    }
                })
                .mapEmpty();
    }

    private Void reloadSecrets(ServerCertificate certificate) {
        access.reload();
        if (certificate != null) {
            certificate.changed().ifPresent(renewed -> {
                api.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(renewed), true);
                grpc.updateCertificate(renewed);
            });
        }
        return null;
    }

    public int actualPort() {
        return api.actualPort();
    }

    public int managementPort() {
        return management.actualPort();
    }

    /** The port of Feast's offline store protocol (Arrow Flight). */
    public int offlinePort() {
        return offline.port();
    }

    public int grpcPort() {
        return grpc.actualPort();
    }

    /** From now on {@code /ready} answers 503, so the Service stops sending new requests; the API keeps answering. */
    public void drain() {
        draining = true;
    }

    /**
     * Stops accepting connections and waits up to {@code grace} for the requests in flight (online and historical)
     * to finish before closing what remains.
     */
    public Future<Void> stop(Duration grace) {
        Future<Void> closed =
                api == null ? Future.succeededFuture() : api.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
        Future<Void> grpcClosed = grpc == null ? Future.succeededFuture() : grpc.stop(grace);
        Future<Void> offlineClosed = offline == null
                ? Future.succeededFuture()
                : vertx.executeBlocking(
                        () -> {
                            offline.stop(grace);
                            offline.close();
                            return null;
                        },
                        false);
        return Future.join(closed, grpcClosed, offlineClosed)
                .<Void>mapEmpty()
                .eventually(() -> management == null ? Future.succeededFuture() : management.close())
                .eventually(() -> probes == null ? Future.succeededFuture() : probes.close())
                .eventually(() -> historicalWorkers == null ? Future.succeededFuture() : historicalWorkers.close())
                .eventually(() -> authWorkers == null ? Future.succeededFuture() : authWorkers.close())
                .eventually(() -> pushWorkers == null ? Future.succeededFuture() : pushWorkers.close())
                .eventually(() -> {
                    if (shardClient != null) {
                        shardClient.close();
                    }
                    return Future.succeededFuture();
                });
    }
}
