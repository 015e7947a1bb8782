package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as the kubelet sends it, to a real {@code featureduck serve} process under load: it turns unready at once,
 * answers every online request during its drain period, finishes a historical request that is still uploading, and
 * exits cleanly within the grace period the operator gives the pod.
 */
class DataPlaneShutdownIT {
    @TempDir
    Path work;

    private Process server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void sigtermDuringLoadLosesNoRequest() throws Exception {
        Path jar = DataPlaneJar.path();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path demo = work.resolve("demo");
        Process write = new ProcessBuilder(
                        java, "-jar", jar.toString(), "demo", "--dir", demo.toString(), "--write-only")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("demo.log").toFile())
                .start();
        assertThat(write.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Path config = demo.resolve("feature-store.yaml");
        Files.writeString(
                config,
                Files.readString(config)
                        .replaceFirst("auth: \\{type: none\\}.*", "auth: {type: none}\n    drainPeriod: 2s"));
        int port = freePort();
        int management = freePort();
        server = new ProcessBuilder(
                        java,
                        "-Xmx1g",
                        "-jar",
                        jar.toString(),
                        "serve",
                        "-f",
                        config.toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--management-port",
                        Integer.toString(management),
                        "--offline-port",
                        "0",
                        "--grpc-port",
                        Integer.toString(freePort()))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("serve.log").toFile())
                .start();
        String base = "http://127.0.0.1:" + port;
        String ready = "http://127.0.0.1:" + management + "/ready";
        await().atMost(Duration.ofSeconds(90)).until(() -> status(ready) == 200);

        String online = "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": {\"driver_id\": [1010]}}";
        AtomicBoolean clientsLeave = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> load = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            load.add(clients.submit(() -> {
                while (!clientsLeave.get()) {
                    try {
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(URI.create(base + "/get-online-features"))
                                        .POST(HttpRequest.BodyPublishers.ofString(online))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            answered.incrementAndGet();
                        } else {
                            lost.add(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        lost.add(e.toString());
                    }
                }
            }));
        }
        byte[] body = ("{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [{\"driver_id\": 1010, "
                        + "\"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket upload = new Socket("127.0.0.1", port)) {
            upload.setSoTimeout(30_000);
            OutputStream out = upload.getOutputStream();
            out.write(("POST /v1/features/historical HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                            + "content-length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 30);
            out.flush();
            Thread.sleep(500);

            long sigterm = System.nanoTime();
            server.destroy();
            await().atMost(Duration.ofSeconds(1)).until(() -> status(ready) == 503);
            int before = answered.get();
            // The endpoints controller removes the pod within the drain; clients are answered until they move away.
            Thread.sleep(1200);
            assertThat(answered.get())
                    .as("online requests answered after SIGTERM")
                    .isGreaterThan(before);
            clientsLeave.set(true);
            for (Future<?> client : load) {
                client.get(10, TimeUnit.SECONDS);
            }
            clients.shutdown();

            // The historical request, in flight since before SIGTERM, finishes after the drain has ended.
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - sigterm > 2_500_000_000L);
            out.write(body, 30, body.length - 30);
            out.flush();
            String answer = new String(upload.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"rows\"");
        }
        assertThat(server.waitFor(40, TimeUnit.SECONDS))
                .as("exits within the grace period")
                .isTrue();
        assertThat(lost).as("requests lost after SIGTERM").isEmpty();
        assertThat(answered.get()).isGreaterThan(10);
        assertThat(Files.readString(work.resolve("serve.log"))).contains("shutting down: not ready from now on");
    }

    private int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
