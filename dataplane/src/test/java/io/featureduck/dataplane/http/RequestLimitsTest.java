package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.demo.DemoLakehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits no request may exceed, each shown against a data plane configured with small ones: the response
 * budget, the historical body limit counted on the bytes received, the number of historical queries at once,
 * request and idle timeouts, strict JSON, and the JSON shape of the HTTP layer's own refusals.
 */
class RequestLimitsTest {
    private static final long DRIVER = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;

    @TempDir
    static Path directory;

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = new DemoServer(directory, 200, """
                auth: {type: none}
                maxResponseBytes: 8192
                maxHistoricalBodyBytes: 4096
                maxConcurrentHistorical: 1""", b -> b.timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAnswerOverTheResponseBudgetIsRefusedNotBuilt() {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            ids.append(i == 0 ? "" : ",").append(DemoLakehouse.FIRST_DRIVER + i);
        }
        // A request of about 1 KiB that would be answered with about 30 KiB.
        String body = "{\"features\": [\"driver-stats:conv_rate\", \"driver-stats:acc_rate\", "
                + "\"driver-stats:avg_daily_trips\"], \"entities\": {\"driver_id\": [" + ids + "]}}";
        assertThat(body.length()).isLessThan(1200);
        DemoServer.Reply reply = server.post("/get-online-features", body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(413);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("RESPONSE_TOO_LARGE");
        assertThat(reply.json().at("/error/message").asText()).contains("8192 bytes", "maxResponseBytes");
        // The same lookup for a few entities is answered.
        assertThat(server.post(
                                "/get-online-features",
                                "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entities\": {\"driver_id\": ["
                                        + DRIVER + "]}}")
                        .status())
                .isEqualTo(200);
    }

    /**
     * curl sends {@code Expect: 100-continue} with any body over 1 KiB and waits for the interim answer before it
     * sends the body: every route that reads a body answers it, then answers the request itself.
     */
    @Test
    void everyRouteWithABodyAnswersExpectContinueAsCurlSendsIt() throws Exception {
        String padding = "x".repeat(2048);
        Map<String, String> bodies = Map.of(
                "/v1/features/online",
                        "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": " + DRIVER
                                + "}], \"features\": [\"conv_rate\"], \"padding\": \"" + padding + "\"}",
                "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": " + "{\"driver_id\": [" + DRIVER
                                + "]}, \"padding\": \"" + padding + "\"}",
                "/v1/features/historical",
                        "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [{"
                                + "\"driver_id\": " + DRIVER + ", \"event_timestamp\": \"2030-01-01T00:00:00Z\", "
                                + "\"note\": \"" + "y".repeat(1500) + "\"}]}",
                "/push", "{\"push_source_name\": \"nobody\", \"df\": {\"padding\": [\"" + padding + "\"]}}");
        for (Map.Entry<String, String> route : bodies.entrySet()) {
            byte[] body = route.getValue().getBytes(StandardCharsets.UTF_8);
            try (Socket client = new Socket("127.0.0.1", server.dataPlane.port())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                // curl -d's own content type, which a JSON route reads as JSON all the same.
                out.write(("POST " + route.getKey() + " HTTP/1.1\r\nhost: x\r\n"
                                + "content-type: application/x-www-form-urlencoded\r\n"
                                + "content-length: " + body.length
                                + "\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                java.io.InputStream in = client.getInputStream();
                String interim =
                        new String(in.readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length()), StandardCharsets.US_ASCII);
                assertThat(interim).as(route.getKey()).startsWith("HTTP/1.1 100 Continue");
                out.write(body);
                out.flush();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (route.getKey().equals("/push")) {
                    assertThat(answer).as(answer).startsWith("HTTP/1.1 404").contains("PUSH_SOURCE_NOT_FOUND");
                } else {
                    assertThat(answer).as(answer).startsWith("HTTP/1.1 200");
                }
            }
        }
    }

    @Test
    void anOpenDataPlaneIgnoresAnyAuthorizationHeader() {
        DemoServer.Reply reply = server.send(HttpRequest.newBuilder(URI.create(server.base() + "/v1/views"))
                .header("authorization", "Basic cHJveHk6c2VjcmV0")
                .build());
        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void repeatedFeaturesAndKeysAreRefused() {
        DemoServer.Reply twice = server.post(
                "/v1/features/online",
                "{\"feature_view\": \"driver-stats\", " + "\"entities\": [{\"driver_id\": " + DRIVER
                        + "}], \"features\": [\"conv_rate\", \"conv_rate\"]}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().at("/error/message").asText()).contains("'conv_rate' is requested twice");
        DemoServer.Reply duplicateKey = server.post(
                "/get-online-features",
                "{\"features\": [\"driver-stats:conv_rate\"], "
                        + "\"entities\": {\"driver_id\": [1], \"driver_id\": [2]}}");
        assertThat(duplicateKey.status()).isEqualTo(400);
        assertThat(duplicateKey.json().at("/error/code").asText()).isEqualTo("INVALID_JSON");
        assertThat(duplicateKey.json().at("/error/message").asText()).contains("Duplicate field 'driver_id'");
        DemoServer.Reply sameName = server.post(
                "/get-online-features",
                "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entities\": {\"driver_id\": [" + DRIVER
                        + "], \"conv_rate\": [1]}}");
        assertThat(sameName.status()).isEqualTo(400);
        assertThat(sameName.json().at("/error/message").asText())
                .contains("entities.conv_rate has the name of a " + "requested feature");
        assertThat(server.post(
                                "/get-online-features",
                                "{\"features\": [\"driver-stats:conv_rate\"], "
                                        + "\"full_feature_names\": true, \"entities\": {\"driver_id\": [" + DRIVER
                                        + "], \"conv_rate\": [1]}}")
                        .status())
                .as("with full names the columns differ")
                .isEqualTo(200);
    }

    @Test
    void trailingContentAfterTheJsonObjectIsRefusedOnEveryRoute() {
        String online = "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": " + DRIVER + "}]}";
        assertThat(server.post("/v1/features/online", online).status()).isEqualTo(200);
        assertThat(server.post("/v1/features/online", online + " {\"x\": 1}")
                        .json()
                        .at("/error/code")
                        .asText())
                .isEqualTo("INVALID_JSON");
        String historical = "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [{\"driver_id\": 1, "
                + "\"event_timestamp\": \"2024-01-01T00:00:00Z\"}]}";
        assertThat(server.post("/v1/features/historical", historical).status()).isEqualTo(200);
        DemoServer.Reply trailing = server.post("/v1/features/historical", historical + "garbage");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(trailing.json().at("/error/code").asText()).isEqualTo("INVALID_JSON");
    }

    @Test
    void aChunkedHistoricalUploadIsCutOffAtTheLimitOfBytesReceived() throws Exception {
        // No Content-Length: the body is chunked, so only counting what arrives can enforce the limit.
        StringBuilder rows = new StringBuilder("{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [");
        for (int i = 0; i < 200; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"driver_id\": 1, \"event_timestamp\": \"2024-01-01T00:00:00Z\"}");
        }
        byte[] body = rows.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isGreaterThan(4096);
        DemoServer.Reply reply =
                server.send(HttpRequest.newBuilder(URI.create(server.base() + "/v1/features/historical"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                        .build());
        assertThat(reply.status()).as(reply.text()).isEqualTo(413);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("BODY_TOO_LARGE");
        assertThat(reply.json().at("/error/message").asText()).contains("4096 bytes");
    }

    @Test
    void aSecondHistoricalQueryBeyondTheLimitGets503WithRetryAfter() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.dataPlane.port())) {
            // The first query is admitted and still uploading.
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/features/historical HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                            + "content-length: 400\r\n\r\n{\"features\": [")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
            DemoServer.Reply second = server.post(
                    "/v1/features/historical",
                    "{\"features\": [\"driver-stats:conv_rate\"],"
                            + " \"entity_rows\": [{\"driver_id\": 1, \"event_timestamp\": \"2024-01-01T00:00:00Z\"}]}");
            assertThat(second.status()).isEqualTo(503);
            assertThat(second.json().at("/error/code").asText()).isEqualTo("TOO_MANY_QUERIES");
            assertThat(second.raw().headers().firstValue("retry-after")).isPresent();
        }
        // The server frees the admitted query's place once it sees the connection close, not before: wait for it, so
        // the next test's historical query is not refused for this one.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (server.post(
                                "/v1/features/historical",
                                "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": "
                                        + "[{\"driver_id\": 1, \"event_timestamp\": \"2024-01-01T00:00:00Z\"}]}")
                        .status()
                == 503) {
            assertThat(System.nanoTime())
                    .as("the closed query's place is freed")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aRequestThatArrivesTooSlowlyIsAnswered408AndAnIdleConnectionIsClosed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.dataPlane.port())) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/features/online HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                            + "content-length: 100\r\n\r\n{\"feature_view\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            String answer = readAll(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").contains("REQUEST_TIMEOUT");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
        try (Socket idle = new Socket("127.0.0.1", server.dataPlane.port())) {
            idle.setSoTimeout(10_000);
            // Nothing sent: the server closes the connection after its idle timeout.
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void theHttpLayersOwnRefusalsHaveTheJsonShape() throws Exception {
        DemoServer.Reply longUri = server.get("/v1/views/" + "x".repeat(10_000));
        assertThat(longUri.status()).isEqualTo(414);
        assertThat(longUri.json().at("/error/code").asText()).isEqualTo("URI_TOO_LONG");
        DemoServer.Reply bigHeaders = server.send(HttpRequest.newBuilder(URI.create(server.base() + "/v1/views"))
                .header("x-padding", "y".repeat(10_000))
                .build());
        assertThat(bigHeaders.status()).isEqualTo(431);
        assertThat(bigHeaders.json().at("/error/code").asText()).isEqualTo("HEADERS_TOO_LARGE");
        try (Socket raw = new Socket("127.0.0.1", server.dataPlane.port())) {
            raw.setSoTimeout(10_000);
            // A percent sign that starts no escape: the JDK's client refuses to send it, so it goes out by hand.
            raw.getOutputStream()
                    .write("GET /v1/views/%zz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(raw.getInputStream());
            assertThat(answer)
                    .startsWith("HTTP/1.1 400")
                    .contains("application/json")
                    .contains("\"code\":\"");
        }
    }

    @Test
    void jsonHistoricalAnswersLeaveNoOpenFileBehind() throws Exception {
        String body = "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [{\"driver_id\": " + DRIVER
                + ", \"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}";
        JsonNode first = server.post("/v1/features/historical", body).json();
        assertThat(first.get("rows")).hasSize(1);
        long before = openFiles();
        for (int i = 0; i < 20; i++) {
            assertThat(server.post("/v1/features/historical", body).status()).isEqualTo(200);
        }
        // Descriptors come and go with DuckDB's own files; twenty leaked results would be twenty more.
        assertThat(openFiles()).isLessThan(before + 5);
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            assertThat(fds.map(RequestLimitsTest::target)).noneMatch(t -> t.contains("featureduck-historical"));
        }
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
