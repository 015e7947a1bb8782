package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place request failures become responses: always {@code {"error": {"code": ..., "message": ...}}}, never a
 * stack trace. Anything that is not an {@link ApiException} is a bug and is logged in full, but the client still
 * gets the JSON shape.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final JsonFactory JSON = new JsonFactory();

    private ErrorResponses() {
    }

    public static void handleFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            send(ctx.response(), api.status(), api.code(), api.getMessage());
            return;
        }
        int status = ctx.statusCode();
        switch (status) {
            case 413 -> send(ctx.response(), 413, "BODY_TOO_LARGE", "request body exceeds the limit of this data plane");
            case 404 -> send(ctx.response(), 404, "NOT_FOUND", "no such endpoint: " + ctx.request().method() + " "
                    + ctx.request().path());
            case 405 -> send(ctx.response(), 405, "METHOD_NOT_ALLOWED", ctx.request().method()
                    + " is not allowed on " + ctx.request().path());
            case 400 -> send(ctx.response(), 400, "BAD_REQUEST", failure == null ? "bad request" : failure.getMessage());
            default -> {
                LOG.error("unexpected failure serving {} {}", ctx.request().method(), ctx.request().path(), failure);
                send(ctx.response(), 500, "INTERNAL", "internal error; the data plane log has the details");
            }
        }
    }

    public static void send(HttpServerResponse response, int status, String code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        ByteArrayBuilder bytes = new ByteArrayBuilder(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code);
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        response.setStatusCode(status).putHeader("content-type", "application/json");
        if (status == 503) {
            response.putHeader("retry-after", "5");
        }
        response.end(Buffer.buffer(bytes.toByteArray()));
    }
}
