package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream of requests whose on-demand feature is quadratic in its request data: each is stopped by its evaluation
 * budget and answered ON_DEMAND_BUDGET_EXCEEDED, and meanwhile the readiness probe, on the management port's own event
 * loop, answers every time within 100 ms (the operator's probe drops a pod after one failure).
 */
class ProbeIsolationTest {
    /** Each of these numbers is compared with every other: about four million evaluation steps per request. */
    private static final int ITEMS = 2_000;

    @TempDir
    Path directory;

    @Test
    void expensiveOnDemandRequestsAreCutByTheirBudgetAndProbesStillAnswerAtOnce() throws Exception {
        Path file = new DemoLakehouse(20, 2).write(directory, Instant.now());
        Files.writeString(file, Files.readString(file) + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: repeats}
                spec:
                  store: demo
                  source: {path: driver_hourly_stats, timestampColumn: event_timestamp}
                  entities: [{name: driver_id, type: int64}]
                  features: [{name: conv_rate, type: float64}]
                  requestData: [{name: items, type: list<int64>}]
                  onDemand:
                    - name: repeated
                      type: int64
                      expression: "request.items.map(x, request.items.filter(y, y == x).size()).size()"
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            items.append(i == 0 ? "" : ",").append(i);
        }
        String expensive = "{\"features\": [\"repeats:repeated\"], \"entities\": {\"driver_id\": ["
                + (DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS) + "], \"items\": [[" + items + "]]}}";
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            URI api = URI.create("http://127.0.0.1:" + dataPlane.port() + "/get-online-features");
            URI ready = URI.create("http://127.0.0.1:" + dataPlane.managementPort() + "/ready");
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Integer, Integer> answers = new ConcurrentHashMap<>();
            List<String> unexpected = new CopyOnWriteArrayList<>();
            ExecutorService load = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                load.execute(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> reply = client.send(
                                    HttpRequest.newBuilder(api)
                                            .header("content-type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(expensive))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            answers.merge(reply.statusCode(), 1, Integer::sum);
                            if (reply.statusCode() != 422 || !reply.body().contains("ON_DEMAND_BUDGET_EXCEEDED")) {
                                unexpected.add(reply.statusCode() + " " + reply.body());
                            }
                        } catch (Exception e) {
                            unexpected.add(e.toString());
                        }
                    }
                });
            }
            Thread.sleep(500); // the stream is under way
            List<Long> probeMillis = new ArrayList<>();
            List<Integer> probeStatuses = new ArrayList<>();
            HttpClient prober = HttpClient.newHttpClient();
            for (int probe = 0; probe < 60; probe++) {
                long start = System.nanoTime();
                HttpResponse<String> reply = prober.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                probeMillis.add((System.nanoTime() - start) / 1_000_000);
                probeStatuses.add(reply.statusCode());
                Thread.sleep(50);
            }
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            // Historical retrieval evaluates the same feature per entity row, with a budget per row.
            HttpResponse<String> historical = client.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + dataPlane.port() + "/v1/features/historical"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"features\": [\"repeats:repeated\"], "
                                    + "\"entity_rows\": [{\"driver_id\": "
                                    + (DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS)
                                    + ", \"event_timestamp\": \"2030-01-01T00:00:00Z\", "
                                    + "\"items\": [" + items + "]}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(historical.statusCode()).as(historical.body()).isEqualTo(422);
            assertThat(historical.body()).contains("ON_DEMAND_BUDGET_EXCEEDED", "repeated");

            assertThat(unexpected).as("answers other than the budget's refusal").isEmpty();
            assertThat(answers.getOrDefault(422, 0))
                    .as("expensive requests answered")
                    .isGreaterThan(8);
            assertThat(probeStatuses).as("readiness probes").containsOnly(200);
            assertThat(probeMillis)
                    .as("readiness probe latencies (ms) under the stream of expensive requests")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(100));
        }
    }
}
