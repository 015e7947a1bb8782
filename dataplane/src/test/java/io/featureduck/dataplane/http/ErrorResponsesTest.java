package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bug behind a route (an exception no request should cause) is answered over HTTP as {@code INTERNAL} in the JSON
 * shape, without its message: that may hold paths or values that are not the client's to see.
 */
class ErrorResponsesTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBugIsAnInternalErrorThatLeaksNothing() throws Exception {
        ErrorResponses errors = new ErrorResponses(Duration.ofSeconds(5));
        Router router = Router.router(vertx);
        router.get("/broken").handler(ctx -> {
            throw new IllegalStateException("cannot open /var/lib/secret-token");
        });
        router.route().failureHandler(errors::handleFailure);
        router.errorHandler(500, errors.forStatus(500));
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        DemoServer.Reply reply = new HttpProbe(server.actualPort()).get("/broken");
        assertThat(reply.status()).isEqualTo(ErrorCode.INTERNAL.httpStatus());
        assertThat(reply.json().path("error").path("code").asText()).isEqualTo("INTERNAL");
        assertThat(reply.text()).doesNotContain("secret").doesNotContain("/var/lib");
        assertThat(reply.raw().headers().firstValue("retry-after")).isEmpty();
    }
}
