package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.demo.DemoLakehouse;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What SIGTERM does ({@code DataPlane.shutdownGracefully}, the JVM's shutdown hook): not-ready at once, every online
 * request answered during the drain, and a historical request in flight finished before the process closes.
 */
class GracefulShutdownTest {
    @TempDir
    Path directory;

    @Test
    void aShutdownUnderLoadLosesNoRequest() throws Exception {
        DemoServer server = new DemoServer(directory, 100, "auth: {type: none}\ndrainPeriod: 1500ms", b -> b);
        long driver = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
        String online = "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": " + driver + "}]}";
        String historical = "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": [{\"driver_id\": " + driver
                + ", \"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}";
        byte[] body = historical.getBytes(StandardCharsets.UTF_8);

        AtomicBoolean clientsMoveAway = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] shutdownAt = {Long.MAX_VALUE};
        // Threads of their own: the common pool has a single worker on a two-core machine.
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(5);
        List<CompletableFuture<Void>> load = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            load.add(CompletableFuture.runAsync(
                    () -> {
                        while (!clientsMoveAway.get()) {
                            try {
                                DemoServer.Reply reply = server.post("/v1/features/online", online);
                                if (reply.status() == 200) {
                                    answered.incrementAndGet();
                                } else {
                                    failures.add(reply.status() + " " + reply.text());
                                }
                            } catch (RuntimeException e) {
                                failures.add(
                                        (System.nanoTime() - shutdownAt[0]) / 1_000_000 + " ms after SIGTERM: " + e);
                            }
                        }
                    },
                    clients));
        }
        try (Socket upload = new Socket("127.0.0.1", server.dataPlane.port())) {
            upload.setSoTimeout(30_000);
            OutputStream out = upload.getOutputStream();
            out.write(("POST /v1/features/historical HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                            + "content-length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 20);
            out.flush();
            Thread.sleep(300);

            shutdownAt[0] = System.nanoTime();
            CompletableFuture<Void> shutdown =
                    CompletableFuture.runAsync(server.dataPlane::shutdownGracefully, clients);
            Thread.sleep(300);
            assertThat(server.management().get("/ready").status())
                    .as("not ready while draining")
                    .isEqualTo(503);
            assertThat(server.management().get("/ready").text()).contains("DRAINING");
            int before = answered.get();
            // The endpoints controller takes a second or so to remove the pod; clients are answered throughout.
            Thread.sleep(900);
            assertThat(answered.get())
                    .as("online requests answered during the drain")
                    .isGreaterThan(before);
            clientsMoveAway.set(true);
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            // The historical request was in flight all along; its body completes after the drain has ended.
            Thread.sleep(600);
            out.write(body, 20, body.length - 20);
            out.flush();
            String answer = new String(upload.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"rows\"");
            shutdown.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(failures).as("requests lost or refused during the drain").isEmpty();
        assertThat(answered.get()).isGreaterThan(10);
    }
}
