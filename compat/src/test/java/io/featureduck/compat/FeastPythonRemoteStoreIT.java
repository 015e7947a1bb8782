package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Feast's Python {@code remote} online store sends, sent by a Python script using only {@code requests}
 * ({@code src/test/python/feast_remote_online_read.py}): one view, one join key, bare feature names, values decoded
 * only when PRESENT. Its parsed answer must equal the tables read by DuckDB.
 */
class FeastPythonRemoteStoreIT {
    private static final Path SCRIPT = Path.of("src", "test", "python", "feast_remote_online_read.py");

    @TempDir
    static Path work;

    static DataPlaneProcess dataPlane;

    @BeforeAll
    static void start() throws Exception {
        dataPlane = new DataPlaneProcess(work);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
    }

    /** A Python 3 that has {@code requests}: the first on the PATH, else the system one (.ci/run installs it). */
    private static String python() throws IOException, InterruptedException {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process probe = new ProcessBuilder(candidate, "-c", "import requests")
                        .redirectErrorStream(true)
                        .start();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException notThere) {
                // try the next
            }
        }
        throw new AssertionError("no python3 with the requests package: install python3-requests "
                + "(apt-get install python3-requests), as .ci/run does");
    }

    private static JsonNode read(String view, String features, List<Long> keys) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                python(),
                SCRIPT.toString(),
                "http://127.0.0.1:" + dataPlane.port,
                dataPlane.token,
                view,
                "driver_id",
                features));
        keys.forEach(key -> command.add(Long.toString(key)));
        Process script = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(out).isZero();
        return DataPlaneProcess.JSON.readTree(out);
    }

    @Test
    void theRemoteStoresReadParsesToTheLatestRowsOfTheTable() throws Exception {
        List<Long> drivers = List.of(1010L, 1011L, 1001L, 99999L);
        JsonNode rows = read("driver-stats", "conv_rate,avg_daily_trips", drivers);
        List<Object[]> latest =
                dataPlane.latest("driver_hourly_stats", "conv_rate, avg_daily_trips, event_timestamp", drivers);
        assertThat(rows).hasSize(drivers.size());
        for (int e = 0; e < 2; e++) {
            JsonNode features = rows.get(e).path("features");
            assertThat(features.path("conv_rate").floatValue()).isEqualTo(((Number) latest.get(e)[0]).floatValue());
            assertThat(features.path("avg_daily_trips").asLong()).isEqualTo(((Number) latest.get(e)[1]).longValue());
        }
        // The store's event time: the first entity's, in the first feature column.
        assertThat(OffsetDateTime.parse(rows.get(0).path("event_ts").asText()).toInstant())
                .isEqualTo(((OffsetDateTime) latest.get(0)[2]).toInstant());
        // Expired (48h TTL) and unknown drivers: not PRESENT, so the store leaves their values empty.
        assertThat(rows.get(2).path("features").path("conv_rate").isNull()).isTrue();
        assertThat(rows.get(3).path("features").path("avg_daily_trips").isNull())
                .isTrue();
        assertThat(Instant.now())
                .isAfter(((OffsetDateTime) latest.get(2)[2]).toInstant().plusSeconds(48 * 3600));
    }

    @Test
    void nullValuesAreNotDecoded() throws Exception {
        List<Long> drivers = List.of(1002L, 1005L);
        JsonNode rows = read("driver-quality", "score,tier,trips", drivers);
        List<Object[]> latest = dataPlane.latest("driver_quality", "score, tier, trips", drivers);
        for (int e = 0; e < drivers.size(); e++) {
            JsonNode features = rows.get(e).path("features");
            Object[] expected = latest.get(e);
            assertThat(features.path("score").isNull()).isEqualTo(expected[0] == null);
            if (expected[0] != null) {
                assertThat(features.path("score").doubleValue()).isEqualTo(((Number) expected[0]).doubleValue());
            }
            assertThat(features.path("trips").asInt()).isEqualTo(((Number) expected[2]).intValue());
        }
        assertThat(rows.get(0).path("features").path("score").isNull())
                .as("driver 1002 has no score")
                .isTrue();
    }
}
