package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store file whose good views stand beside views that each break one rule: the good views serve, each bad one is
 * left out and reported with its reason (FAILED in /v1/views, 409 VIEW_REFUSED on every route), the pod is ready, and
 * two views that claim one push source both serve without pushes, each saying why.
 */
class ViewAdmissionTest {
    private static final String VIEW = """
            ---
            apiVersion: featureduck.io/v1alpha1
            kind: FeatureView
            metadata: {name: %s}
            spec:
              store: demo
              source: {%s}
              entities: [{name: driver_id, type: int64}]
              features: [{name: conv_rate, type: %s}]
            %s""";

    @TempDir
    Path directory;

    private static String view(String name, String source, String type, String more) {
        return VIEW.formatted(name, source, type, more.isEmpty() ? "" : "  " + more + "\n");
    }

    @Test
    void badViewsAreLeftOutWithTheirReasonsWhileTheGoodOnesServeAndThePodIsReady() throws Exception {
        Path file = new DemoLakehouse(20, 2).write(directory, Instant.now());
        String stats = "path: driver_hourly_stats, timestampColumn: event_timestamp";
        Map<String, String> bad = new HashMap<>();
        bad.put("outside", "is outside the store's lakehouse");
        bad.put("pinned-parquet", "parquet tables have no versions");
        bad.put("pushed-hudi", "hudi tables are written by their own engines");
        bad.put("no-catalog", "the store has no catalog 'missing'");
        bad.put("bad-type", "unknown value type 'double'");
        bad.put("twice", "is defined more than once");
        Files.writeString(
                file,
                Files.readString(file)
                        + view("outside", "path: ../elsewhere, timestampColumn: event_timestamp", "float64", "")
                        + view("pinned-parquet", stats + ", format: parquet, version: 3", "float64", "")
                        + view("pushed-hudi", stats + ", format: hudi", "float64", "push: {enabled: true}")
                        + view("no-catalog", "catalog: {name: missing}, table: a.b, format: iceberg", "float64", "")
                        + view("bad-type", stats, "double", "")
                        + view("twice", stats, "float64", "")
                        + view("twice", stats, "float64", "")
                        + view("pushed-a", stats, "float64", "push: {enabled: true, sourceName: shared}")
                        + view("pushed-b", stats, "float64", "push: {enabled: true, sourceName: shared}")
                        + view("good", stats, "float64", ""));
        ServingConfig config = new ServingConfigLoader().load(file);
        assertThat(config.refused()).containsOnlyKeys(bad.keySet());
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            assertThat(new HttpProbe(dataPlane.managementPort()).get("/ready").status())
                    .isEqualTo(200);

            Map<String, JsonNode> reports = new HashMap<>();
            http.get("/v1/views")
                    .json()
                    .path("views")
                    .forEach(v -> reports.put(v.path("name").asText(), v));
            assertThat(reports).containsKeys("good", "pushed-a", "pushed-b", "driver-stats");
            assertThat(reports.get("good").path("state").asText()).isEqualTo("READY");
            bad.forEach((name, reason) -> {
                assertThat(reports.get(name).path("state").asText()).as(name).isEqualTo("FAILED");
                assertThat(reports.get(name).path("last_error").asText())
                        .as(name)
                        .contains(reason);
                DemoServer.Reply refused = http.post(
                        "/get-online-features",
                        "{\"features\": [\"" + name + ":conv_rate\"], \"entities\": {\"driver_id\": [1001]}}");
                assertThat(refused.status()).as(name).isEqualTo(409);
                assertThat(refused.json().at("/error/code").asText()).isEqualTo("VIEW_REFUSED");
                assertThat(refused.json().at("/error/message").asText()).contains(reason);
                // The operator's report of one view says the same.
                assertThat(new HttpProbe(dataPlane.managementPort())
                                .get("/views/" + name)
                                .json()
                                .path("last_error")
                                .asText())
                        .contains(reason);
            });
            assertThat(http.post(
                                    "/v1/features/historical",
                                    "{\"features\": [\"outside:conv_rate\"], \"entity_rows\": "
                                            + "[{\"driver_id\": 1001, \"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}")
                            .status())
                    .isEqualTo(409);
            assertThat(http.post(
                                    "/get-online-features",
                                    "{\"features\": [\"good:conv_rate\"], \"entities\": " + "{\"driver_id\": [1001]}}")
                            .status())
                    .isEqualTo(200);

            for (String claimant : new String[] {"pushed-a", "pushed-b"}) {
                assertThat(reports.get(claimant).path("state").asText()).isEqualTo("READY");
                assertThat(reports.get(claimant).at("/push/suspended").asText())
                        .contains("push source 'shared' is claimed by FeatureViews [pushed-a, pushed-b]");
            }
            DemoServer.Reply contested = http.post(
                    "/push",
                    "{\"push_source_name\": \"shared\", \"df\": "
                            + "{\"driver_id\": [1], \"event_timestamp\": [\"2030-01-01T00:00:00Z\"]}}");
            assertThat(contested.status()).as(contested.text()).isEqualTo(409);
            assertThat(contested.json().at("/error/code").asText()).isEqualTo("PUSH_NOT_ACCEPTED");
            assertThat(contested.json().at("/error/message").asText()).contains("claimed by FeatureViews");
        }
    }
}
