package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API against a real data plane serving a real Delta table, with expected values computed by plain DuckDB
 * SQL over the table's Parquet files (the demo table is append-only, so every file is live).
 */
class OnlineApiTest {
    private static final int DRIVERS = 300;
    private static final long ACTIVE = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
    private static final long INACTIVE = DemoLakehouse.FIRST_DRIVER;

    @TempDir
    static Path directory;

    static DemoServer server;
    /** driver_id -> {conv_rate, acc_rate, avg_daily_trips, event_timestamp} of its latest row. */
    static Map<Long, Object[]> expected = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = new DemoServer(directory, DRIVERS);
        Path table = directory.resolve("lakehouse/driver_hourly_stats");
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(table));
                Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT driver_id, arg_max(conv_rate, event_timestamp), "
                        + "arg_max(acc_rate, event_timestamp), arg_max(avg_daily_trips, event_timestamp), "
                        + "epoch_ms(max(event_timestamp)) FROM read_parquet('" + table
                        + "/*.parquet') GROUP BY driver_id")) {
            while (rs.next()) {
                expected.put(rs.getLong(1), new Object[] {
                    rs.getFloat(2), rs.getFloat(3), rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5))
                });
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String online(String entities, String features) {
        return "{\"feature_view\": \"driver-stats\", \"entities\": " + entities
                + (features == null ? "" : ", \"features\": " + features) + "}";
    }

    @Test
    void servesLatestValueWithinTtlAndNamesTheTableVersion() {
        DemoServer.Reply reply = server.post(
                "/v1/features/online",
                online(
                        "[{\"driver_id\": " + ACTIVE + "}, {\"driver_id\": " + (ACTIVE + 7) + "}]",
                        "[\"conv_rate\", \"avg_daily_trips\", \"trips_per_hour\"]"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("table_version").asLong()).isEqualTo(3);
        JsonNode results = reply.json().get("results");
        assertThat(results).hasSize(2);
        for (int i = 0; i < 2; i++) {
            long driver = ACTIVE + i * 7;
            Object[] latest = expected.get(driver);
            JsonNode result = results.get(i);
            assertThat(result.get("entity").get("driver_id").asLong()).isEqualTo(driver);
            assertThat(result.get("status").asText()).isEqualTo("PRESENT");
            assertThat(Instant.parse(result.get("event_timestamp").asText())).isEqualTo(latest[3]);
            assertThat((float) result.get("features").get("conv_rate").asDouble())
                    .isEqualTo((Float) latest[0]);
            assertThat(result.get("features").get("avg_daily_trips").asLong()).isEqualTo((Long) latest[2]);
            assertThat(result.get("features").get("trips_per_hour").asDouble()).isEqualTo((Long) latest[2] / 24.0);
        }
    }

    @Test
    void allFeaturesWhenNoneAreNamed() {
        JsonNode reply = server.post("/v1/features/online", online("[{\"driver_id\": " + ACTIVE + "}]", null))
                .json();
        assertThat(reply.get("features"))
                .extracting(JsonNode::asText)
                .containsExactly("conv_rate", "acc_rate", "avg_daily_trips", "trips_per_hour", "high_performer");
        Object[] latest = expected.get(ACTIVE);
        assertThat(reply.get("results")
                        .get(0)
                        .get("features")
                        .get("high_performer")
                        .asBoolean())
                .isEqualTo((Float) latest[0] > 0.8f && (Float) latest[1] > 0.8f);
    }

    @Test
    void valuesOlderThanTheTtlAreOutsideMaxAge() {
        JsonNode result = server.post("/v1/features/online", online("[{\"driver_id\": " + INACTIVE + "}]", null))
                .json()
                .get("results")
                .get(0);
        assertThat(result.get("status").asText()).isEqualTo("OUTSIDE_MAX_AGE");
        assertThat(Instant.parse(result.get("event_timestamp").asText()))
                .isEqualTo(server.writtenAt.truncatedTo(ChronoUnit.HOURS).minus(72, ChronoUnit.HOURS));
        assertThat(result.get("features").get("conv_rate").isNull()).isTrue();
    }

    @Test
    void unknownEntitiesAreNotFound() {
        JsonNode result = server.post("/v1/features/online", online("[{\"driver_id\": 42}]", "[\"conv_rate\"]"))
                .json()
                .get("results")
                .get(0);
        assertThat(result.get("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.get("event_timestamp").isNull()).isTrue();
        assertThat(result.get("features").get("conv_rate").isNull()).isTrue();
    }

    @Test
    void feastShapeAcrossTwoViewsWithFullFeatureNames() {
        DemoServer.Reply reply = server.post(
                "/get-online-features",
                "{\"features\": [\"driver-stats:conv_rate\", "
                        + "\"driver-profile:vehicle_type\", \"driver-profile:languages\"], \"entities\": {\"driver_id\": ["
                        + ACTIVE + ", 42, " + INACTIVE + "]}, \"full_feature_names\": true}");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode json = reply.json();
        assertThat(json.get("metadata").get("feature_names"))
                .extracting(JsonNode::asText)
                .containsExactly(
                        "driver_id",
                        "driver-stats__conv_rate",
                        "driver-profile__vehicle_type",
                        "driver-profile__languages");
        assertThat(json.get("metadata")
                        .get("table_versions")
                        .get("driver-stats")
                        .asLong())
                .isEqualTo(3);
        assertThat(json.get("metadata")
                        .get("table_versions")
                        .get("driver-profile")
                        .asLong())
                .isEqualTo(0);
        JsonNode results = json.get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("values")).extracting(JsonNode::asLong).containsExactly(ACTIVE, 42L, INACTIVE);
        assertThat(results.get(0).get("statuses")).extracting(JsonNode::asText).containsOnly("PRESENT");

        JsonNode conv = results.get(1);
        assertThat((float) conv.get("values").get(0).asDouble()).isEqualTo((Float) expected.get(ACTIVE)[0]);
        assertThat(conv.get("statuses"))
                .extracting(JsonNode::asText)
                .containsExactly("PRESENT", "NOT_FOUND", "OUTSIDE_MAX_AGE");
        assertThat(conv.get("values").get(1).isNull()).isTrue();
        assertThat(Instant.parse(conv.get("event_timestamps").get(0).asText())).isEqualTo(expected.get(ACTIVE)[3]);
        assertThat(conv.get("event_timestamps").get(1).asText()).isEqualTo("1970-01-01T00:00:00Z");

        JsonNode languages = results.get(3);
        assertThat(languages.get("values").get(0).isArray()).isTrue();
        assertThat(languages.get("values").get(0).get(0).asText()).isEqualTo("en");
        assertThat(languages.get("statuses").get(2).asText()).isEqualTo("PRESENT");
    }

    @Test
    void feastShortFeatureNamesByDefault() {
        JsonNode json = server.post(
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entities\": {\"driver_id\": [" + ACTIVE
                                + "]}}")
                .json();
        assertThat(json.get("metadata").get("feature_names"))
                .extracting(JsonNode::asText)
                .containsExactly("driver_id", "conv_rate");
    }

    @Test
    void viewsListWhatIsServedAndFromWhichVersion() {
        DemoServer.Reply list = server.get("/v1/views");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("views"))
                .extracting(v -> v.get("name").asText())
                .containsExactly("driver-stats", "driver-profile", "driver-trips");

        JsonNode stats = server.get("/v1/views/driver-stats").json();
        assertThat(stats.get("state").asText()).isEqualTo("READY");
        assertThat(stats.get("table_version").asLong()).isEqualTo(3);
        assertThat(stats.get("entities_loaded").asLong()).isEqualTo(DRIVERS);
        assertThat(stats.get("rows").asLong()).isEqualTo((DRIVERS - 5) * 96L + 5 * 24L);
        assertThat(stats.get("ttl_seconds").asLong()).isEqualTo(48 * 3600);
        assertThat(stats.get("features").get(3).get("expression").asText()).isEqualTo("avg_daily_trips / 24.0");
        assertThat(Instant.parse(stats.get("loaded_at").asText())).isAfter(server.writtenAt);
    }

    @Test
    void probesAndMetrics() {
        assertThat(server.management().get("/health").status()).isEqualTo(200);
        assertThat(server.management().get("/ready").status()).isEqualTo(200);
        server.post("/v1/features/online", online("[{\"driver_id\": " + ACTIVE + "}]", null));
        String metrics = server.management().get("/metrics").text();
        assertThat(metrics)
                .contains(
                        "featureduck_http_server_requests_seconds_bucket{route=\"/v1/features/online\",status=\"200\"");
        assertThat(metrics).contains("featureduck_online_lookups_total{status=\"PRESENT\",view=\"driver-stats\"}");
        assertThat(metrics).contains("featureduck_view_entities{view=\"driver-stats\"} " + DRIVERS + ".0");
        assertThat(metrics)
                .contains(
                        "featureduck_view_load_seconds_count{kind=\"full\",outcome=\"success\",view=\"driver-stats\"} 1");
    }

    // ---- bad input: always a JSON error naming the problem, never a 500 ----

    private static void assertError(DemoServer.Reply reply, int status, String code, String messagePart) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.json().get("error").get("code").asText()).isEqualTo(code);
        assertThat(reply.json().get("error").get("message").asText()).contains(messagePart);
        assertThat(reply.text()).doesNotContain("at io.").doesNotContain("Exception");
    }

    @Test
    void rejectsMalformedJsonWith400() {
        assertError(server.post("/v1/features/online", "{\"feature_view\": "), 400, "INVALID_JSON", "not valid JSON");
        assertError(server.post("/get-online-features", "[1, 2]"), 400, "INVALID_JSON", "JSON object");
        assertError(server.post("/v1/features/online", ""), 400, "INVALID_JSON", "empty");
    }

    @Test
    void rejectsMissingFieldsWith400() {
        assertError(server.post("/v1/features/online", "{\"entities\": []}"), 400, "MISSING_FIELD", "feature_view");
        assertError(
                server.post("/v1/features/online", "{\"feature_view\": \"driver-stats\"}"),
                400,
                "MISSING_FIELD",
                "entities");
        assertError(
                server.post("/v1/features/online", online("[{\"id\": 1}]", null)),
                400,
                "MISSING_JOIN_KEY",
                "driver_id");
        assertError(
                server.post(
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entities\": {\"customer_id\": [1]}}"),
                400,
                "MISSING_JOIN_KEY",
                "driver_id");
        assertError(
                server.post(
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\"], "
                                + "\"entities\": {\"driver_id\": [1, 2], \"other\": [1]}}"),
                400,
                "INVALID_FIELD",
                "same length");
    }

    @Test
    void rejectsUnknownViewOrFeatureWith404() {
        assertError(
                server.post("/v1/features/online", "{\"feature_view\": \"nope\", \"entities\": []}"),
                404,
                "UNKNOWN_FEATURE_VIEW",
                "'nope'");
        assertError(
                server.post("/v1/features/online", online("[]", "[\"speed\"]")),
                404,
                "UNKNOWN_FEATURE",
                "no feature 'speed'");
        assertError(
                server.post(
                        "/get-online-features",
                        "{\"features\": [\"conv_rate\"], \"entities\": " + "{\"driver_id\": [1]}}"),
                400,
                "INVALID_FEATURE_REF",
                "view:feature");
        assertError(server.get("/v1/views/nope"), 404, "UNKNOWN_FEATURE_VIEW", "'nope'");
    }

    @Test
    void rejectsWrongKeyTypesWith400() {
        assertError(
                server.post("/v1/features/online", online("[{\"driver_id\": \"1001\"}]", null)),
                400,
                "WRONG_KEY_TYPE",
                "join key 'driver_id' is int64: expected an integer, got \"1001\"");
        assertError(
                server.post("/v1/features/online", online("[{\"driver_id\": 1.5}]", null)),
                400,
                "WRONG_KEY_TYPE",
                "expected an integer");
        assertError(
                server.post(
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entities\": {\"driver_id\": [true]}}"),
                400,
                "WRONG_KEY_TYPE",
                "got true");
    }

    @Test
    void rejectsOversizedBatchesAndBodies() {
        List<String> entities = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            entities.add("{\"driver_id\": " + i + "}");
        }
        assertError(
                server.post("/v1/features/online", online("[" + String.join(",", entities) + "]", null)),
                400,
                "BATCH_TOO_LARGE",
                "at most 1000");
        String huge = "{\"feature_view\": \"driver-stats\", \"pad\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertError(server.post("/v1/features/online", huge), 413, "BODY_TOO_LARGE", "exceeds");
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() {
        assertError(server.get("/v2/everything"), 404, "NOT_FOUND", "/v2/everything");
        assertError(
                server.send(HttpRequest.newBuilder(URI.create(server.base() + "/v1/views"))
                        .DELETE()
                        .build()),
                405,
                "METHOD_NOT_ALLOWED",
                "DELETE");
    }
}
