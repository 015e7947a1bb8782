package io.featureduck.dataplane.grpc;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import feast.proto.serving.ServingAPIProto.GetFeastServingInfoRequest;
import feast.proto.serving.ServingAPIProto.GetFeastServingInfoResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import io.featureduck.dataplane.auth.AccessControl;
import io.featureduck.dataplane.auth.AccessKind;
import io.featureduck.dataplane.auth.BearerHeader;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.error.ErrorAnswers;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeastErrorDetail;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.error.Redaction;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.registry.FeastRegistryService;
import io.featureduck.dataplane.registry.RegistryObjectNotFound;
import io.featureduck.dataplane.shard.ShardProtocol;
import io.featureduck.dataplane.shard.ShardRouter;
import io.featureduck.dataplane.shard.ShardService;
import io.featureduck.dataplane.write.PushService;
import io.featureduck.shard.v1.RefreshRequest;
import io.featureduck.shard.v1.RowsRequest;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feast's gRPC serving API on its own port, served by Vert.x gRPC on the same event loops as HTTP (an online lookup
 * is memory reads, so it never blocks them), with the standard {@code grpc.health.v1.Health} service for probes.
 *
 * <p>Every call but the health check is authenticated as the HTTP API is ({@code authorization: Bearer} metadata);
 * errors carry the gRPC status of their {@link ErrorCode}, the same message as over HTTP, and the code in the
 * {@code featureduck-error-code} trailer.
 */
public final class FeastGrpcServer {
    private static final Logger LOG = LoggerFactory.getLogger(FeastGrpcServer.class);
    static final ServiceName SERVING = ServiceName.create("feast.serving", "ServingService");
    static final ServiceName HEALTH = ServiceName.create("grpc.health.v1", "Health");
    /** Feast's Python feature server's gRPC service; its proto declares no package. */
    static final ServiceName FEATURE_SERVER = ServiceName.create("GrpcFeatureServer");

    static final ServiceName REGISTRY = ServiceName.create(FeastRegistryService.SERVICE.getFullName());

    static final String ERROR_CODE_TRAILER = "featureduck-error-code";
    /**
     * The longest status message sent, in characters: it travels percent-encoded in a trailer (up to 6 bytes per
     * character of UTF-8), and clients refuse metadata beyond 8 KiB (grpc-java's default), which would turn a client's
     * mistake (a 10,000-character view name, echoed) into INTERNAL.
     */
    static final int MAX_STATUS_MESSAGE = 512;

    private static final ServiceMethod<GetFeastServingInfoRequest, GetFeastServingInfoResponse> SERVING_INFO =
            ServiceMethod.server(
                    SERVING,
                    "GetFeastServingInfo",
                    GrpcMessageEncoder.encoder(),
                    GrpcMessageDecoder.decoder(GetFeastServingInfoRequest.newBuilder()));
    /** Answered with the bytes of a {@code GetOnlineFeaturesResponse} written straight from the index columns. */
    private static final ServiceMethod<GetOnlineFeaturesRequest, Buffer> ONLINE_FEATURES = ServiceMethod.server(
            SERVING,
            "GetOnlineFeatures",
            GrpcMessageEncoder.IDENTITY,
            GrpcMessageDecoder.decoder(GetOnlineFeaturesRequest.newBuilder()));

    private static final ServiceMethod<DynamicMessage, DynamicMessage> PUSH = ServiceMethod.server(
            FEATURE_SERVER,
            "Push",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(DynamicMessage.getDefaultInstance(FeastPushMessages.PUSH_REQUEST)));
    private static final ServiceMethod<DynamicMessage, DynamicMessage> WRITE_TO_ONLINE_STORE = ServiceMethod.server(
            FEATURE_SERVER,
            "WriteToOnlineStore",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(DynamicMessage.getDefaultInstance(FeastPushMessages.WRITE_REQUEST)));
    /** The same lookup as ServingService's, under the feature server's name. */
    private static final ServiceMethod<GetOnlineFeaturesRequest, Buffer> SERVER_ONLINE_FEATURES = ServiceMethod.server(
            FEATURE_SERVER,
            "GetOnlineFeatures",
            GrpcMessageEncoder.IDENTITY,
            GrpcMessageDecoder.decoder(GetOnlineFeaturesRequest.newBuilder()));

    private static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> HEALTH_CHECK = ServiceMethod.server(
            HEALTH, "Check", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(HealthCheckRequest.newBuilder()));

    /**
     * Where and how the server listens.
     *
     * @param host            interface to bind
     * @param port            port (0: any free port)
     * @param maxMessageBytes largest request message accepted
     * @param idleTimeout     a connection with no traffic for this long is closed
     * @param certificate     the server certificate when the port is TLS (HTTP/2 by ALPN), else empty (h2c)
     */
    public record Settings(
            String host, int port, long maxMessageBytes, Duration idleTimeout, Optional<KeyCertOptions> certificate) {}

    private final Vertx vertx;
    private final Settings settings;
    private final FeastServingService serving;
    private final AccessControl access;
    private final WorkerExecutor authWorkers;
    private final BooleanSupplier ready;
    private final Redaction redaction;
    private final DataPlaneMetrics metrics;
    private final PushService pushes;
    private final WorkerExecutor pushWorkers;
    private final FeastRegistryService registry;
    private final ShardRouter router;
    private final ShardService shards;
    private HttpServer server;

    /**
     * How a call's errors are told: as FeatureDuck's (the status message as over HTTP) or, on Feast's registry
     * protocol, as Feast's own servers tell them ({@link FeastErrorDetail}), which Feast's client turns into its
     * exceptions.
     */
    private enum ErrorShape {
        FEATUREDUCK,
        FEAST
    }

    /**
     * @param ready       whether the health service answers SERVING (loaded and not draining)
     * @param authWorkers where access decisions that call the Kubernetes API run
     */
    public FeastGrpcServer(
            Vertx vertx,
            Settings settings,
            ShardRouter router,
            ShardService shards,
            AccessControl access,
            WorkerExecutor authWorkers,
            BooleanSupplier ready,
            Redaction redaction,
            DataPlaneMetrics metrics,
            PushService pushes,
            WorkerExecutor pushWorkers,
            FeastRegistryService registry) {
        this.registry = registry;
        this.pushes = pushes;
        this.pushWorkers = pushWorkers;
        this.vertx = vertx;
        this.settings = settings;
        this.serving = new FeastServingService(router);
        this.router = router;
        this.shards = shards;
        this.access = access;
        this.authWorkers = authWorkers;
        this.ready = ready;
        this.redaction = redaction;
        this.metrics = metrics;
    }

    public Future<Void> start() {
        // Plain gRPC over HTTP/2 only: no gRPC-Web or JSON transcoding to secure and test besides.
        GrpcServerOptions options = new GrpcServerOptions()
                .setMaxMessageSize(settings.maxMessageBytes())
                .removeEnabledProtocol(GrpcProtocol.WEB)
                .removeEnabledProtocol(GrpcProtocol.WEB_TEXT)
                .removeEnabledProtocol(GrpcProtocol.TRANSCODING);
        GrpcServer grpc = GrpcServer.server(vertx, options);
        grpc.callHandler(
                SERVING_INFO,
                call -> unary(
                        call,
                        "ServingService/GetFeastServingInfo",
                        AccessKind.DESCRIBE,
                        GetFeastServingInfoRequest.parser(),
                        (request, grant) -> serving.info()));
        grpc.callHandler(
                ONLINE_FEATURES,
                call -> unaryLater(
                        call,
                        "ServingService/GetOnlineFeatures",
                        AccessKind.ONLINE,
                        GetOnlineFeaturesRequest.parser(),
                        (request, grant) -> serving.onlineFeatures(request, grant, credentials(call))
                                .map(answer -> {
                                    call.response()
                                            .headers()
                                            .set(FeastServingService.TABLE_VERSIONS_HEADER, answer.tableVersions());
                                    return Buffer.buffer(answer.response());
                                })));
        grpc.callHandler(
                SERVER_ONLINE_FEATURES,
                call -> unaryLater(
                        call,
                        "GrpcFeatureServer/GetOnlineFeatures",
                        AccessKind.ONLINE,
                        GetOnlineFeaturesRequest.parser(),
                        (request, grant) -> serving.onlineFeatures(request, grant, credentials(call))
                                .map(answer -> {
                                    call.response()
                                            .headers()
                                            .set(FeastServingService.TABLE_VERSIONS_HEADER, answer.tableVersions());
                                    return Buffer.buffer(answer.response());
                                })));
        grpc.callHandler(
                PUSH,
                call -> unaryLater(
                        call,
                        "GrpcFeatureServer/Push",
                        AccessKind.WRITE,
                        DynamicMessage.getDefaultInstance(FeastPushMessages.PUSH_REQUEST)
                                .getParserForType(),
                        (request, grant) -> push(
                                call,
                                request,
                                grant,
                                () -> pushes.viewOfPushSource(FeastPushMessages.text(request, "stream_feature_view")),
                                FeastPushMessages.PUSH_RESPONSE)));
        grpc.callHandler(
                WRITE_TO_ONLINE_STORE,
                call -> unaryLater(
                        call,
                        "GrpcFeatureServer/WriteToOnlineStore",
                        AccessKind.WRITE,
                        DynamicMessage.getDefaultInstance(FeastPushMessages.WRITE_REQUEST)
                                .getParserForType(),
                        (request, grant) -> push(
                                call,
                                request,
                                grant,
                                () -> pushes.pushableView(FeastPushMessages.text(request, "feature_view_name")),
                                FeastPushMessages.WRITE_RESPONSE)));
        grpc.callHandler(HEALTH_CHECK, this::health);
        grpc.callHandler(
                ShardProtocol.ROWS_SERVER,
                call -> unary(call, "ShardService/Rows", AccessKind.ONLINE, RowsRequest.parser(), shards::rows));
        grpc.callHandler(
                ShardProtocol.REFRESH_SERVER,
                call -> unaryLater(
                        call,
                        "ShardService/Refresh",
                        AccessKind.WRITE,
                        RefreshRequest.parser(),
                        (request, grant) -> pushWorkers.executeBlocking(() -> shards.refresh(request, grant), false)));
        for (FeastRegistryService.Method method : registry.methods()) {
            DynamicMessage prototype = DynamicMessage.getDefaultInstance(method.input());
            ServiceMethod<DynamicMessage, Message> rpc = ServiceMethod.server(
                    REGISTRY, method.name(), GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(prototype));
            grpc.callHandler(
                    rpc,
                    call -> answer(
                            call,
                            "RegistryServer/" + method.name(),
                            grant(call, AccessKind.DESCRIBE),
                            prototype.getParserForType(),
                            (request, grant) ->
                                    Future.succeededFuture(method.answer().apply(request, grant)),
                            ErrorShape.FEAST));
        }
        HttpServerOptions http = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setTcpNoDelay(true)
                .setIdleTimeout((int) settings.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        settings.certificate()
                .ifPresent(certificate -> http.setSsl(true).setUseAlpn(true).setKeyCertOptions(certificate));
        return vertx.createHttpServer(http)
                .requestHandler(grpc)
                .listen()
                .onSuccess(s -> server = s)
                .mapEmpty();
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Serves a renewed certificate to new connections. */
    public void updateCertificate(KeyCertOptions renewed) {
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(renewed), true);
    }

    /** Stops accepting calls and waits up to {@code grace} for those in flight. */
    public Future<Void> stop(Duration grace) {
        return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * {@code grpc.health.v1.Health/Check}, without authentication (the kubelet's probe has no token), read as every
     * other call is: a message that is not a {@code HealthCheckRequest} is answered INVALID_ARGUMENT, not reset.
     */
    private void health(GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> call) {
        answer(
                call,
                "Health/Check",
                Future.succeededFuture(null),
                HealthCheckRequest.parser(),
                (request, none) -> {
                    String service = request.getService();
                    if (!service.isEmpty() && !service.equals(SERVING.fullyQualifiedName())) {
                        return Future.failedFuture(
                                new FeatureDuckException(ErrorCode.NOT_FOUND, "unknown service '" + service + "'"));
                    }
                    return Future.succeededFuture(HealthCheckResponse.newBuilder()
                            .setStatus(
                                    ready.getAsBoolean()
                                            ? HealthCheckResponse.ServingStatus.SERVING
                                            : HealthCheckResponse.ServingStatus.NOT_SERVING)
                            .build());
                },
                ErrorShape.FEATUREDUCK);
    }

    /**
     * One request message in, one answer out: the caller's grant (decided off the event loop when it needs the
     * Kubernetes API) and the message are awaited together, then {@code answer} runs on the event loop.
     */
    private <Req extends Message, Resp> void unary(
            GrpcServerRequest<Req, Resp> call,
            String method,
            AccessKind kind,
            Parser<Req> parser,
            BiFunction<Req, Grant, Resp> answer) {
        unaryLater(
                call, method, kind, parser, (request, grant) -> Future.succeededFuture(answer.apply(request, grant)));
    }

    /** As {@link #unary}, for an answer that completes later (off the event loop). */
    private <Req extends Message, Resp> void unaryLater(
            GrpcServerRequest<Req, Resp> call,
            String method,
            AccessKind kind,
            Parser<Req> parser,
            BiFunction<Req, Grant, Future<Resp>> answer) {
        answer(call, method, grant(call, kind), parser, answer, ErrorShape.FEATUREDUCK);
    }

    /** One request message in, one answer out, once {@code grant} is decided. */
    private <Req extends Message, Resp> void answer(
            GrpcServerRequest<Req, Resp> call,
            String method,
            Future<Grant> grant,
            Parser<Req> parser,
            BiFunction<Req, Grant, Future<Resp>> answer,
            ErrorShape shape) {
        long start = System.nanoTime();
        Promise<Req> message = Promise.promise();
        call.invalidMessageHandler(invalid -> message.tryFail(
                invalid instanceof MessageSizeOverflowException
                        ? new FeatureDuckException(
                                ErrorCode.BODY_TOO_LARGE,
                                "the request message exceeds the limit of " + settings.maxMessageBytes()
                                        + " bytes of this data plane")
                        : malformed(call)));
        call.exceptionHandler(message::tryFail);
        // Decoded here rather than by Vert.x, which resets the stream on a message it cannot decode: a client is
        // owed INVALID_ARGUMENT and a message, not a cancelled call.
        call.messageHandler(received -> {
            try {
                message.tryComplete(parser.parseFrom(payload(received, settings.maxMessageBytes())));
            } catch (FeatureDuckException e) {
                message.tryFail(e);
            } catch (IOException e) {
                message.tryFail(malformed(call));
            }
        });
        // Answered once the client has half-closed, not as soon as the message is in: a server that ends a stream the
        // client is still sending on makes the client reset it, and a stream of resets trips HTTP/2's rapid-reset
        // protection, which closes the whole connection (seen under load as GOAWAY ENHANCE_YOUR_CALM).
        Promise<Req> complete = Promise.promise();
        call.endHandler(end -> {
            if (message.future().succeeded()) {
                complete.tryComplete(message.future().result());
            } else {
                message.tryFail(new FeatureDuckException(
                        ErrorCode.BAD_REQUEST, "the call ended without a request " + "message"));
            }
        });
        message.future().onFailure(complete::tryFail);
        Future.all(grant, complete.future())
                .compose(both -> {
                    try {
                        return answer.apply(complete.future().result(), both.resultAt(0));
                    } catch (RuntimeException failure) {
                        return Future.failedFuture(failure);
                    }
                })
                .onComplete(done -> {
                    String code;
                    if (done.succeeded()) {
                        call.response().end(done.result());
                        code = GrpcStatus.OK.name();
                    } else {
                        code = fail(call, done.cause(), shape);
                    }
                    metrics.grpcTimer(method, code).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                });
    }

    /**
     * A one-row push, checked and committed on a push worker; answered {@code status: true} once the row is committed
     * and served here, as the HTTP route is.
     */
    /** The caller's {@code authorization} metadata as sent, for calls made on its behalf (to other shards). */
    private static Optional<String> credentials(GrpcServerRequest<?, ?> call) {
        return Optional.ofNullable(call.headers().get("authorization"));
    }

    private Future<DynamicMessage> push(
            GrpcServerRequest<?, ?> call,
            DynamicMessage request,
            Grant grant,
            java.util.function.Supplier<io.featureduck.dataplane.serving.ServedView> view,
            com.google.protobuf.Descriptors.Descriptor response) {
        if (request.getDescriptorForType().findFieldByName("to") != null) {
            PushService.destination(FeastPushMessages.text(request, "to"));
        }
        return pushWorkers
                .executeBlocking(() -> pushes.pushRow(view.get(), FeastPushMessages.features(request), grant), false)
                .compose(committing -> Future.fromCompletionStage(committing, vertx.getOrCreateContext()))
                .compose(pushed -> router.afterPush(pushed.view(), pushed.version(), credentials(call)))
                .map(served -> FeastPushMessages.ok(response));
    }

    private static FeatureDuckException malformed(GrpcServerRequest<?, ?> call) {
        return new FeatureDuckException(
                ErrorCode.BAD_REQUEST, "the request is not a valid message of " + call.fullMethodName());
    }

    /**
     * The message's bytes, inflated when the client compressed it (gzip is the one compression gRPC clients use).
     * Vert.x limits a message by its size on the wire; a compressed one is limited again by what it inflates to, and
     * inflating stops there, so a small message cannot unfold into more memory than the limit allows.
     *
     * @throws FeatureDuckException {@code BODY_TOO_LARGE} past the limit, {@code UNSUPPORTED_ENCODING} for a
     *                              compression other than gzip
     */
    static byte[] payload(GrpcMessage message, long maxBytes) throws IOException {
        byte[] bytes = message.payload().getBytes();
        return switch (message.encoding()) {
            case "identity" -> bytes;
            case "gzip" -> {
                int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
                byte[] inflated;
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    inflated = in.readNBytes(limit + 1);
                }
                if (inflated.length > limit) {
                    throw new FeatureDuckException(
                            ErrorCode.BODY_TOO_LARGE,
                            "the request message inflates to more " + "than the limit of " + maxBytes
                                    + " bytes of this data plane");
                }
                yield inflated;
            }
            default ->
                throw new FeatureDuckException(
                        ErrorCode.UNSUPPORTED_ENCODING,
                        "messages compressed as '" + message.encoding() + "' are not taken; send identity or gzip");
        };
    }

    private Future<Grant> grant(GrpcServerRequest<?, ?> call, AccessKind kind) {
        Optional<String> token;
        Optional<Grant> known;
        try {
            token = access.required() ? BearerHeader.token(call.headers().get("authorization")) : Optional.empty();
            known = access.cached(token, kind);
        } catch (FeatureDuckException e) {
            return Future.failedFuture(e);
        }
        return known.map(Future::succeededFuture)
                .orElseGet(() -> authWorkers.executeBlocking(() -> access.authenticate(token, kind), false));
    }

    /** Ends the call with the status of {@code failure}; returns the status name, for the metrics. */
    private String fail(GrpcServerRequest<?, ?> call, Throwable failure, ErrorShape shape) {
        ErrorCode code;
        String message;
        if (failure instanceof FeatureDuckException known) {
            code = known.code();
            message = ErrorAnswers.shown(redaction, "grpc", code, known.getMessage());
        } else {
            LOG.error("unexpected failure serving {}", call.fullMethodName(), failure);
            code = ErrorCode.INTERNAL;
            message = ErrorAnswers.shown(redaction, "grpc", code, "internal error; the data plane log has the details");
        }
        if (message.length() > MAX_STATUS_MESSAGE) {
            message = message.substring(0, MAX_STATUS_MESSAGE) + "...";
        }
        if (shape == ErrorShape.FEAST) {
            message = failure instanceof RegistryObjectNotFound missing
                    ? FeastErrorDetail.of(missing.feastClass(), message)
                    : FeastErrorDetail.of(code, message);
        }
        try {
            call.response().trailers().set(ERROR_CODE_TRAILER, code.name());
            call.response()
                    .status(GrpcStatus.valueOf(code.grpcStatus()))
                    .statusMessage(message)
                    .end();
        } catch (IllegalStateException alreadyEnded) {
            // The client cancelled or the stream was reset: nobody to tell.
            LOG.debug("call {} ended before its error could be sent", call.fullMethodName());
        }
        return code.grpcStatus();
    }
}
