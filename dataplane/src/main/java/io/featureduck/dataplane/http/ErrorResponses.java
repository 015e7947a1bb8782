package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.featureduck.dataplane.error.ErrorAnswers;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.error.Redaction;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP responses: always {@code {"error": {"code": ..., "message": ...}}} with the
 * code's status ({@link ErrorCode}), and {@code Retry-After} when retrying can help, never a stack trace. Anything that
 * is not a {@link FeatureDuckException} is a bug and is logged in full, but the client still gets the JSON shape.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final String retryAfterSeconds;
    private final Redaction redaction;

    /** @param retryAfter what {@code Retry-After} tells clients of retryable errors */
    public ErrorResponses(Duration retryAfter) {
        this(retryAfter, Redaction.none());
    }

    /** @param redaction what messages may show of local paths */
    public ErrorResponses(Duration retryAfter, Redaction redaction) {
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
        this.redaction = redaction;
    }

    /** This answers every failure of {@code router}, its own (no route, wrong method, bad encoding) included. */
    public void register(Router router) {
        router.route().failureHandler(this::handleFailure);
        for (int status : new int[] {400, 404, 405, 408, 413, 500}) {
            router.errorHandler(status, forStatus(status));
        }
    }

    /**
     * A request Netty could not decode (a request line or headers too long, a malformed start line) in the JSON
     * shape instead of Vert.x's plain-text answer; the connection is closed, as its state is unknown.
     */
    public void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ErrorCode code = cause instanceof TooLongHttpLineException
                ? ErrorCode.URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.BAD_REQUEST;
        String message = switch (code) {
            case URI_TOO_LONG -> "the request line is too long; send long lists in the body";
            case HEADERS_TOO_LARGE -> "the request headers are too large";
            default -> "the request cannot be parsed as HTTP/1.1";
        };
        request.response().putHeader("connection", "close");
        send(request.response(), code, message);
    }

    /** Answers a failed route: a {@link FeatureDuckException} by its code, anything else by the status set. */
    public void handleFailure(RoutingContext ctx) {
        handle(ctx, ctx.statusCode());
    }

    /**
     * The router's own answer for {@code status} (no route, wrong method, an undecodable request), in the JSON shape.
     * The router does not always set the context's status for these, so each is registered with its own.
     */
    public Handler<RoutingContext> forStatus(int status) {
        return ctx -> handle(ctx, status);
    }

    private void handle(RoutingContext ctx, int status) {
        Throwable failure = ctx.failure();
        if (failure instanceof FeatureDuckException known) {
            if (!known.code().isClientError()) {
                LOG.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), known.getMessage());
            }
            send(ctx.response(), known.code(), known.getMessage());
            return;
        }
        if (failure instanceof HttpClosedException || ctx.response().closed()) {
            // The client went away: nothing to answer and nothing wrong with the data plane.
            return;
        }
        switch (status) {
            case 408 -> send(ctx.response(), ErrorCode.REQUEST_TIMEOUT, "the request did not arrive in time");
            case 413 ->
                send(ctx.response(), ErrorCode.BODY_TOO_LARGE, "request body exceeds the limit of this data plane");
            case 404 ->
                send(
                        ctx.response(),
                        ErrorCode.NOT_FOUND,
                        "no such endpoint: " + ctx.request().method() + " "
                                + ctx.request().path());
            case 405 ->
                send(
                        ctx.response(),
                        ErrorCode.METHOD_NOT_ALLOWED,
                        ctx.request().method() + " is not allowed on "
                                + ctx.request().path());
            case 400 ->
                send(ctx.response(), ErrorCode.BAD_REQUEST, failure == null ? "bad request" : failure.getMessage());
            default -> {
                LOG.error(
                        "unexpected failure serving {} {}",
                        ctx.request().method(),
                        ctx.request().path(),
                        failure);
                send(ctx.response(), ErrorCode.INTERNAL, "internal error; the data plane log has the details");
            }
        }
    }

    public void send(HttpServerResponse response, ErrorCode code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        ByteArrayBuilder bytes = new ByteArrayBuilder(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code.name());
            json.writeStringField("message", ErrorAnswers.shown(redaction, "http", code, message));
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        response.setStatusCode(code.httpStatus()).putHeader("content-type", "application/json");
        if (code == ErrorCode.UNAUTHENTICATED) {
            response.putHeader("www-authenticate", "Bearer realm=\"featureduck\"");
        }
        if (code.retryable()) {
            response.putHeader("retry-after", retryAfterSeconds);
        }
        response.end(Buffer.buffer(bytes.toByteArray()));
    }
}
