package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.featureduck.crds.report.ViewState;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.TableCopies;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.serving.ServedView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A view backing off after failures is served as soon as its table can be read, not when the backoff ends. */
class RetryOnNewVersionTest {
    @TempDir
    Path directory;

    @Test
    void aTableThatAppearsDuringTheBackoffIsServedWithinARefreshInterval() throws Exception {
        Path file = new DemoLakehouse(20, 2).write(directory, Instant.now());
        Files.writeString(file, Files.readString(file) + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: late}
                spec:
                  store: demo
                  refreshInterval: 1s
                  source: {path: late_table, timestampColumn: event_timestamp}
                  entities: [{name: driver_id, type: int64}]
                  features: [{name: conv_rate, type: float32}]
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            // Three failures in a row: the next retry is about 4 s away (1 s, 2 s, 4 s, each spread by a fifth).
            await().atMost(Duration.ofSeconds(30)).until(() -> late(dataPlane).failures() >= 3);
            Instant nextRetry = late(dataPlane).retryAt().orElseThrow();
            assertThat(Duration.between(Instant.now(), nextRetry)).isGreaterThan(Duration.ofMillis(2500));

            copy(directory.resolve("lakehouse/driver_hourly_stats"), directory.resolve("lakehouse/late_table"));
            await().atMost(Duration.ofSeconds(30)).until(() -> late(dataPlane).state() == ViewState.READY);
            assertThat(late(dataPlane).index().orElseThrow().loadedAt())
                    .as("served before the backoff's retry")
                    .isBefore(nextRetry);
        }
    }

    private static ServedView late(DataPlane dataPlane) {
        return dataPlane.registry().view("late").orElseThrow();
    }

    private static void copy(Path from, Path to) throws Exception {
        Path staging = to.resolveSibling(".staging");
        TableCopies.copy(from, staging);
        // The table appears whole, as a writer's first commit does.
        Files.move(staging, to);
    }
}
