package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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

    /** @param retryAfter what {@code Retry-After} tells clients of retryable errors */
    public ErrorResponses(Duration retryAfter) {
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
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
        switch (status) {
            case 413 -> send(ctx.response(), ErrorCode.BODY_TOO_LARGE, "request body exceeds the limit of this data plane");
            case 404 -> send(ctx.response(), ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().method() + " "
                    + ctx.request().path());
            case 405 -> send(ctx.response(), ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method()
                    + " is not allowed on " + ctx.request().path());
            case 400 -> send(ctx.response(), ErrorCode.BAD_REQUEST, failure == null ? "bad request" : failure.getMessage());
            default -> {
                LOG.error("unexpected failure serving {} {}", ctx.request().method(), ctx.request().path(), failure);
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
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        response.setStatusCode(code.httpStatus()).putHeader("content-type", "application/json");
        if (code.retryable()) {
            response.putHeader("retry-after", retryAfterSeconds);
        }
        response.end(Buffer.buffer(bytes.toByteArray()));
    }
}
