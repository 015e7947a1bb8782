package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.featureduck.dataplane.demo.DemoLakehouse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.type: bearer} on a real data plane: every API route, token rotation, and what never shows a token. */
class BearerAuthTest {
    private static final String OLD = "old-token-3f9c2a7e61b04d8e";
    private static final String NEW = "new-token-8a1d5c0b29e74f36";
    private static final String ONLINE = "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": "
            + (DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS) + "}], \"features\": [\"conv_rate\"]}";

    @TempDir
    static Path directory;

    static Path tokens;
    static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        tokens = directory.resolve("tokens");
        Files.writeString(tokens, "# accepted tokens\n" + OLD + "\n\n");
        server = new DemoServer(
                directory.resolve("lake"),
                50,
                "auth: {type: bearer, tokenSecretName: demo-tokens}",
                b -> b.authTokenFile(tokens));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static DemoServer.Reply call(String method, String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("authorization", authorization);
        }
        return server.send(request.build());
    }

    @Test
    void everyApiRouteRefusesAMissingOrWrongTokenWith401AndAChallenge() {
        String historical = "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [{\"driver_id\": 1, "
                + "\"event_timestamp\": \"2024-01-01T00:00:00Z\"}]}";
        String feast = "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": {\"driver_id\": [1]}}";
        String[][] routes = {
            {"POST", "/v1/features/online", ONLINE},
            {"POST", "/get-online-features", feast},
            {"POST", "/v1/features/historical", historical},
            {"GET", "/v1/views", null},
            {"GET", "/v1/views/driver-stats", null}
        };
        for (String[] route : routes) {
            for (String authorization : new String[] {null, "Bearer wrong", "Basic " + OLD, "Bearer " + OLD + "x"}) {
                DemoServer.Reply reply = call(route[0], route[1], route[2], authorization);
                assertThat(reply.status())
                        .as("%s %s with %s", route[0], route[1], authorization)
                        .isEqualTo(401);
                assertThat(reply.json().at("/error/code").asText()).isEqualTo("UNAUTHENTICATED");
                assertThat(reply.raw().headers().firstValue("www-authenticate"))
                        .hasValue("Bearer realm=\"featureduck\"");
                assertThat(reply.text()).doesNotContain(OLD);
            }
            DemoServer.Reply ok = call(route[0], route[1], route[2], "Bearer " + OLD);
            assertThat(ok.status())
                    .as("%s %s: %s", route[0], route[1], ok.text())
                    .isEqualTo(200);
        }
        // The scheme is case-insensitive (RFC 7235), the token is not.
        assertThat(call("GET", "/v1/views", null, "bearer " + OLD).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/views", null, "Bearer " + OLD.toUpperCase()).status())
                .isEqualTo(401);
    }

    @Test
    void probesAndMetricsNeedNoTokenAndShowNone() {
        assertThat(server.management().get("/ready").status()).isEqualTo(200);
        assertThat(server.management().get("/health").status()).isEqualTo(200);
        String metrics = server.management().get("/metrics").text();
        assertThat(metrics).contains("featureduck_").doesNotContain(OLD, NEW);
        assertThat(server.management().get("/views").text())
                .contains("driver-stats")
                .doesNotContain(OLD);
        // The API is not on the management port, nor probes on the API port.
        assertThat(server.management().get("/v1/views").status()).isEqualTo(404);
        assertThat(call("GET", "/ready", null, "Bearer " + OLD).status()).isEqualTo(404);
    }

    @Test
    void aRotatedTokenFileTakesEffectWithoutARestart() throws Exception {
        // Both during the rotation, as a Secret with two tokens.
        Files.writeString(tokens, OLD + "\n" + NEW + "\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call("POST", "/v1/features/online", ONLINE, "Bearer " + NEW)
                                .status()
                        == 200);
        assertThat(call("POST", "/v1/features/online", ONLINE, "Bearer " + OLD).status())
                .isEqualTo(200);
        // Then only the new one.
        Files.writeString(tokens, NEW + "\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call("POST", "/v1/features/online", ONLINE, "Bearer " + OLD)
                                .status()
                        == 401);
        assertThat(call("POST", "/v1/features/online", ONLINE, "Bearer " + NEW).status())
                .isEqualTo(200);
        // A file emptied by mistake keeps the last good tokens instead of locking everyone out (or letting all in).
        Files.writeString(tokens, "");
        Thread.sleep(500);
        assertThat(call("POST", "/v1/features/online", ONLINE, "Bearer " + NEW).status())
                .isEqualTo(200);
        Files.writeString(tokens, OLD + "\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call("POST", "/v1/features/online", ONLINE, "Bearer " + OLD)
                                .status()
                        == 200);
    }
}
