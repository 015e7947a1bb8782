package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Feast's own Python SDK ({@code feast} from PyPI, pinned in {@code src/test/python/requirements.txt} and installed by
 * the build into {@code target/feast-python}) reads features from a data plane through its {@code remote} online store
 * ({@code src/test/python/feast_remote_online_read.py}), authenticated as Feast's {@code kubernetes} auth is outside
 * a pod: the bearer token from {@code LOCAL_K8S_TOKEN}. What {@code FeatureStore.get_online_features} hands back must
 * equal the tables read by DuckDB.
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

    /** The virtual environment the build made with Feast's SDK (compat/pom.xml, execution feast-python-install). */
    private static String python() {
        Path python = Path.of("target", "feast-python", "bin", "python");
        assertThat(python)
                .as("the build installs Feast's Python SDK into target/feast-python; run mvn verify")
                .isExecutable();
        return python.toString();
    }

    /** What the script printed, and its exit status. */
    private record Run(String out, int status) {}

    private static Run run(String token, String view, String features, List<Long> keys) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                python(), SCRIPT.toString(), "http://127.0.0.1:" + dataPlane.port, token, view, "driver_id", features));
        keys.forEach(key -> command.add(Long.toString(key)));
        Process script = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(out, script.exitValue());
    }

    private static JsonNode read(String view, String features, List<Long> keys) throws Exception {
        Run run = run(dataPlane.token, view, features, keys);
        assertThat(run.status()).as(run.out()).isZero();
        // The answer is the last line: Feast may log before it.
        List<String> lines = run.out().lines().toList();
        return DataPlaneProcess.JSON.readTree(lines.get(lines.size() - 1));
    }

    @Test
    void aWrongTokenIsRefusedAndFeastSaysSo() throws Exception {
        Run run = run("not-" + dataPlane.token, "driver-stats", "conv_rate:Float32", List.of(1010L));
        assertThat(run.status()).isNotZero();
        assertThat(run.out())
                .contains("Failed to get online features: 401", "the bearer token is not accepted by this data plane");
    }

    @Test
    void theRemoteStoresReadParsesToTheLatestRowsOfTheTable() throws Exception {
        List<Long> drivers = List.of(1010L, 1011L, 1001L, 99999L);
        JsonNode rows = read("driver-stats", "conv_rate:Float32,avg_daily_trips:Int64", drivers);
        List<Object[]> latest =
                dataPlane.latest("driver_hourly_stats", "conv_rate, avg_daily_trips, event_timestamp", drivers);
        assertThat(rows).hasSize(drivers.size());
        for (int e = 0; e < 2; e++) {
            JsonNode features = rows.get(e).path("features");
            assertThat(features.path("conv_rate").floatValue()).isEqualTo(((Number) latest.get(e)[0]).floatValue());
            assertThat(features.path("avg_daily_trips").asLong()).isEqualTo(((Number) latest.get(e)[1]).longValue());
        }
        // Expired (48h TTL) and unknown drivers: not PRESENT, so the store leaves their values empty.
        assertThat(rows.get(2).path("features").path("conv_rate").isNull()).isTrue();
        assertThat(rows.get(3).path("features").path("avg_daily_trips").isNull())
                .isTrue();
        assertThat(Instant.now())
                .isAfter(((OffsetDateTime) latest.get(2)[2]).toInstant().plusSeconds(48 * 3600));
    }

    @Test
    void nullValuesReachFeastAsMissing() throws Exception {
        List<Long> drivers = List.of(1002L, 1005L);
        JsonNode rows = read("driver-quality", "score:Float64,tier:String,trips:Int32", drivers);
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
