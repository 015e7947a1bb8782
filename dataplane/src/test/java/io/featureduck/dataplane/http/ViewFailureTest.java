package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.report.ViewState;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.serving.ServedView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken or missing tables degrade one view, visibly, while everything else, and the last good data, keeps serving. */
class ViewFailureTest {
    @TempDir
    Path directory;

    private ServingConfig demoWithBrokenViews() throws IOException {
        return demoWithBrokenViews(directory);
    }

    /**
     * The demo store plus two views that cannot load: {@code missing-table} (no table at its path) and
     * {@code smuggled-query} (a subquery expression and a feature column the table lacks).
     */
    static ServingConfig demoWithBrokenViews(Path directory) throws IOException {
        Path file = new DemoLakehouse(50, 4).write(directory, Instant.now());
        Files.writeString(file, Files.readString(file) + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: missing-table}
                spec:
                  store: demo
                  source: {path: no_such_table, timestampColumn: ts}
                  entities: [{name: id, type: int64}]
                  features: [{name: f, type: float64}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: smuggled-query}
                spec:
                  store: demo
                  source: {path: driver_hourly_stats, timestampColumn: event_timestamp}
                  entities: [{name: driver_id, type: int64}]
                  features:
                    - name: leak
                      type: string
                      expression: "(SELECT content FROM read_text('/etc/passwd'))"
                    - name: missing
                      type: float64
                """);
        return new ServingConfigLoader().load(file);
    }

    @Test
    void brokenViewsFailVisiblyWhileTheOthersServe() throws IOException {
        ServingConfig config = demoWithBrokenViews();
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            ServedView missing = dataPlane.registry().view("missing-table").orElseThrow();
            assertThat(missing.state()).isEqualTo(ViewState.FAILED);
            assertThat(missing.lastError().orElseThrow())
                    .contains("FeatureView 'missing-table'")
                    .contains(directory.resolve("lakehouse/no_such_table").toString())
                    .contains("not found");
            ServedView smuggled = dataPlane.registry().view("smuggled-query").orElseThrow();
            assertThat(smuggled.state()).isEqualTo(ViewState.FAILED);
            assertThat(smuggled.lastError().orElseThrow())
                    .contains("spec.features[0].expression")
                    .contains("must not contain a subquery")
                    .contains("spec.features[1].name: column 'missing' is not in the table");

            HttpProbe http = new HttpProbe(dataPlane.port());
            HttpProbe httpManagement = new HttpProbe(dataPlane.managementPort());
            // Two of four views serve: the pod stays in its Service; the broken views answer 503 on their own.
            assertThat(httpManagement.get("/ready").status()).isEqualTo(200);
            DemoServer.Reply notReady = http.post(
                    "/v1/features/online", "{\"feature_view\": \"missing-table\", \"entities\": [{\"id\": 1}]}");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.raw().headers().firstValue("retry-after")).isPresent();
            assertThat(notReady.json().get("error").get("code").asText()).isEqualTo("VIEW_NOT_READY");
            // The table is named as the store configures it, not by where this process happens to find it.
            assertThat(notReady.json().at("/error/message").asText())
                    .contains("lakehouse/no_such_table")
                    .doesNotContain(directory.toString());

            DemoServer.Reply served = http.post(
                    "/v1/features/online",
                    "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": 1010}]}");
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.json().get("results").get(0).get("status").asText())
                    .isEqualTo("PRESENT");

            JsonNode listed = http.get("/v1/views/missing-table").json();
            assertThat(listed.get("state").asText()).isEqualTo("FAILED");
            assertThat(listed.get("last_error").asText()).contains("no_such_table");
            assertThat(listed.toString())
                    .doesNotContain(directory.toString())
                    .doesNotContain(System.getProperty("java.io.tmpdir") + "/");
            assertThat(listed.at("/source/path").asText()).isEqualTo("lakehouse/no_such_table");
        }
    }

    @Test
    void aFailedReloadKeepsTheLastGoodIndexServing() throws Exception {
        Path file = new DemoLakehouse(50, 4).write(directory, Instant.now());
        ServingConfig config = new ServingConfigLoader().load(file);
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            long version = dataPlane
                    .registry()
                    .view("driver-stats")
                    .orElseThrow()
                    .index()
                    .orElseThrow()
                    .tableVersion();

            // A commit naming a data file that does not exist: the new version cannot be read.
            Path log = directory.resolve("lakehouse/driver_hourly_stats/_delta_log");
            Files.writeString(
                    log.resolve(String.format("%020d.json", version + 1)),
                    "{\"add\":{\"path\":\"part-gone.parquet\",\"partitionValues\":{},\"size\":10,"
                            + "\"modificationTime\":1,\"dataChange\":true}}\n");
            dataPlane.registry().load("driver-stats").join();

            ServedView view = dataPlane.registry().view("driver-stats").orElseThrow();
            assertThat(view.state()).isEqualTo(ViewState.READY);
            assertThat(view.index().orElseThrow().tableVersion()).isEqualTo(version);
            assertThat(view.lastError().orElseThrow()).contains("driver-stats");

            HttpProbe http = new HttpProbe(dataPlane.port());
            HttpProbe httpManagement = new HttpProbe(dataPlane.managementPort());
            DemoServer.Reply reply = http.post(
                    "/v1/features/online",
                    "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": 1010}]}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("table_version").asLong()).isEqualTo(version);
            assertThat(httpManagement.get("/ready").status()).isEqualTo(200);
            assertThat(http.get("/v1/views/driver-stats")
                            .json()
                            .get("last_error")
                            .asText())
                    .contains("driver-stats");
            assertThat(http.get("/v1/views/driver-stats").json().get("degraded").asBoolean())
                    .isTrue();
        }
    }
}
