package io.featureduck.dataplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a newcomer does: run {@code featureduck demo}, then paste the curl commands it prints. */
class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void runningTheDemoAgainReplacesItsTables() {
        new DemoLakehouse(20, 4).write(directory, Instant.now());
        Path config = new DemoLakehouse(20, 4).write(directory, Instant.now());
        ServingConfig loaded = new ServingConfigLoader().load(config);
        ViewDefinition view = loaded.view("driver-profile").orElseThrow();
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC())
                .load(view, new TableSourceFactory().forView(view));
        assertThat(index.tableVersion()).isZero();
        assertThat(index.size()).isEqualTo(20);
    }

    @Test
    void printedCurlCommandsAnswerCorrectly() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        DemoCommand demo = new DemoCommand();
        CompletableFuture<Integer> exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = CompletableFuture.supplyAsync(() ->
                    new CommandLine(demo).execute("--dir", directory.toString(), "--port", "0", "--drivers", "200"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!captured.toString(StandardCharsets.UTF_8).contains("Serve it again later")) {
                assertThat(System.nanoTime()).as("demo did not become ready").isLessThan(deadline);
                assertThat(exit).as("demo exited early: " + captured).isNotDone();
                Thread.sleep(100);
            }
        } finally {
            System.setOut(originalOut);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        try {
            assertThat(output)
                    .contains("driver-stats: READY, table version 3, 200 entities")
                    .contains("driver-profile: READY, table version 0, 200 entities");
            List<String> curls =
                    output.lines().filter(l -> l.startsWith("curl ")).toList();
            assertThat(curls).hasSize(6);

            JsonNode latest = run(curls.get(0));
            assertThat(latest.get("results")).hasSize(2);
            latest.get("results")
                    .forEach(r -> assertThat(r.get("status").asText()).isEqualTo("PRESENT"));
            assertThat(latest.get("results")
                            .get(0)
                            .get("features")
                            .get("trips_per_hour")
                            .isNumber())
                    .isTrue();

            JsonNode stale = run(curls.get(1));
            assertThat(stale.get("results").get(0).get("status").asText()).isEqualTo("OUTSIDE_MAX_AGE");

            JsonNode feast = run(curls.get(2));
            assertThat(feast.get("metadata").get("feature_names")).hasSize(5);
            assertThat(feast.get("results").get(1).get("statuses"))
                    .extracting(JsonNode::asText)
                    .containsExactly("PRESENT", "PRESENT", "NOT_FOUND");
            assertThat(feast.get("results").get(4).get("values").get(0).isArray())
                    .isTrue();

            JsonNode service = run(curls.get(3));
            assertThat(service.at("/metadata/feature_names"))
                    .extracting(JsonNode::asText)
                    .containsExactly(
                            "driver_id",
                            "conv_rate",
                            "acc_rate",
                            "avg_daily_trips",
                            "name",
                            "vehicle_type",
                            "rating",
                            "signup_date",
                            "languages");

            JsonNode onDemand = run(curls.get(4));
            for (int e = 0; e < 2; e++) {
                assertThat(onDemand.at("/results/3/values/" + e).doubleValue())
                        .isEqualTo(onDemand.at("/results/2/values/" + e).floatValue() + 10.0 * (e + 1));
            }

            JsonNode views = run(curls.get(5));
            assertThat(views.get("views"))
                    .extracting(v -> v.get("state").asText())
                    .containsOnly("READY");
        } finally {
            demo.stop.countDown();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    /** Runs a printed command exactly as a shell would. */
    private static JsonNode run(String curl) throws Exception {
        Process process =
                new ProcessBuilder("bash", "-c", curl).redirectErrorStream(true).start();
        byte[] body = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(curl).isZero();
        JsonNode json = JSON.readTree(body);
        assertThat(json.has("error"))
                .as(new String(body, StandardCharsets.UTF_8))
                .isFalse();
        return json;
    }
}
