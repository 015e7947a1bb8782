package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.featureduck.dataplane.config.ServingConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running data plane follows its configuration file the way a pod follows its ConfigMap: the file is replaced
 * (written beside it and renamed over it, as the kubelet swaps the volume's symlink) and views appear, change and
 * disappear without a restart, while the others keep answering.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigReloadTest {
    @TempDir
    static Path directory;

    static DemoServer server;
    static Path file;
    static String original;

    @BeforeAll
    static void start() throws Exception {
        server = new DemoServer(directory, 40);
        file = server.config.file();
        original = Files.readString(file);
        server.dataPlane.watch(file, new ServingConfigLoader());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void aChangedFeatureIsServedAfterTheReloadWithoutARestart() throws Exception {
        assertThat(lookup("driver-stats:trips_per_day").text()).contains("UNKNOWN_FEATURE");
        replace(original.replace("""
                    - name: trips_per_hour
                      type: float64
                      expression: avg_daily_trips / 24.0
                """, """
                    - name: trips_per_hour
                      type: float64
                      expression: avg_daily_trips / 24.0
                    - name: trips_per_day
                      type: int64
                      expression: avg_daily_trips
                """));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> lookup("driver-stats:trips_per_day").status() == 200);
        DemoServer.Reply reply = lookup("driver-stats:trips_per_day,driver-stats:avg_daily_trips");
        assertThat(reply.json().at("/results/1/values/0").asLong())
                .isEqualTo(reply.json().at("/results/2/values/0").asLong());
    }

    @Test
    @Order(2)
    void aBrokenFileIsReportedAndTheLastGoodConfigurationKeepsServing() throws Exception {
        String good = Files.readString(file);
        replace(good.replace("ttl: 48h", "ttl: forever"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !server.get("/v1/views")
                        .json()
                        .path("configuration_error")
                        .isNull());
        assertThat(server.get("/v1/views").json().path("configuration_error").asText())
                .contains("spec.ttl")
                .as("no path of this machine")
                .doesNotContain(server.directory.toAbsolutePath().toString())
                .doesNotContain(System.getProperty("java.io.tmpdir"));
        assertThat(lookup("driver-stats:trips_per_day").status()).isEqualTo(200);
        assertThat(server.management().get("/ready").status()).isEqualTo(200);
        replace(good);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.get("/v1/views")
                        .json()
                        .path("configuration_error")
                        .isNull());
    }

    @Test
    @Order(3)
    void anAddedViewWhoseTableIsMissingFailsAloneAndARemovedViewStopsBeingServed() throws Exception {
        String withoutProfile = original.substring(
                0,
                original.indexOf("---\napiVersion: featureduck.io/v1alpha1\n"
                        + "kind: FeatureView\nmetadata:\n  name: driver-profile"));
        replace(withoutProfile + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata:
                  name: not-there-yet
                spec:
                  store: demo
                  source: {path: no_such_table, timestampColumn: event_timestamp}
                  entities: [{name: driver_id, type: int64}]
                  features: [{name: conv_rate, type: float32}]
                """);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.get("/v1/views/driver-profile").status() == 404);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.get("/v1/views/not-there-yet")
                        .json()
                        .path("state")
                        .asText()
                        .equals("FAILED"));
        assertThat(server.get("/v1/views/not-there-yet")
                        .json()
                        .path("last_error")
                        .asText())
                .contains("no_such_table");
        assertThat(lookup("driver-stats:conv_rate").status()).isEqualTo(200);
        assertThat(server.management().get("/ready").status()).isEqualTo(200);
        assertThat(lookup("driver-profile:name").text()).contains("UNKNOWN_FEATURE_VIEW");
        assertThat(server.management().get("/metrics").text())
                .doesNotContain("featureduck_view_ready{view=\"driver-profile\"}")
                .contains("featureduck_view_ready{view=\"not-there-yet\"} 0.0");
    }

    private static DemoServer.Reply lookup(String features) {
        StringBuilder refs = new StringBuilder();
        for (String feature : features.split(",")) {
            refs.append(refs.isEmpty() ? "" : ", ").append('"').append(feature).append('"');
        }
        return server.post(
                "/get-online-features", "{\"features\": [" + refs + "], \"entities\": {\"driver_id\": [1001]}}");
    }

    /** Replaces the file in one step, as the kubelet does, so the reloader never sees half a file. */
    private static void replace(String content) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
