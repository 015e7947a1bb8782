package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/features/historical} against a real data plane and a real Delta table, checked against plain DuckDB
 * SQL over the table's Parquet files ("latest row at or before T, within the 48h TTL").
 */
class HistoricalApiTest {
    private static final long ACTIVE = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
    private static final long INACTIVE = DemoLakehouse.FIRST_DRIVER;

    @TempDir
    static Path directory;

    static DemoServer server;
    static Instant lastHour;

    @BeforeAll
    static void start() {
        server = new DemoServer(directory, 100);
        lastHour = server.writtenAt.truncatedTo(ChronoUnit.HOURS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** conv_rate of the latest row of {@code driver} at or before {@code at}, or null beyond the 48h TTL. */
    private static Double expectedConvRate(long driver, Instant at) throws Exception {
        Path table = directory.resolve("lakehouse/driver_hourly_stats");
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(table));
                PreparedStatement statement = session.connection()
                        .prepareStatement("SELECT conv_rate, event_timestamp "
                                + "FROM read_parquet('" + table
                                + "/*.parquet') WHERE driver_id = ? AND event_timestamp <= ?::TIMESTAMPTZ "
                                + "ORDER BY event_timestamp DESC, created DESC LIMIT 1")) {
            statement.setLong(1, driver);
            statement.setString(2, at.toString());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Instant event = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
                return event.isBefore(at.minus(Duration.ofHours(48))) ? null : (double) rs.getFloat(1);
            }
        }
    }

    private static String row(long driver, Instant at, String label) {
        return "{\"driver_id\": " + driver + ", \"event_timestamp\": \"" + at + "\", \"label\": \"" + label + "\"}";
    }

    @Test
    void answersEachEntityRowAsOfItsOwnTimeInOrder() throws Exception {
        Instant tenHoursAgo = lastHour.minus(Duration.ofHours(10)).plusSeconds(1800);
        Instant inactiveWindow = lastHour.minus(Duration.ofHours(71));
        List<Object[]> rows = List.of(
                new Object[] {ACTIVE, tenHoursAgo},
                new Object[] {ACTIVE, lastHour},
                new Object[] {INACTIVE, lastHour},
                new Object[] {INACTIVE, inactiveWindow},
                new Object[] {42L, lastHour},
                new Object[] {ACTIVE, tenHoursAgo},
                new Object[] {ACTIVE, lastHour.minus(Duration.ofDays(30))});
        StringBuilder body =
                new StringBuilder("{\"features\": [\"driver-stats:conv_rate\", \"driver-stats:trips_per_hour\"], "
                        + "\"entity_rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            body.append(i == 0 ? "" : ", ").append(row((Long) rows.get(i)[0], (Instant) rows.get(i)[1], "r" + i));
        }
        DemoServer.Reply reply =
                server.post("/v1/features/historical", body.append("]}").toString());

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode out = reply.json().get("rows");
        assertThat(out).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = out.get(i);
            assertThat(r.get("label").asText()).isEqualTo("r" + i);
            assertThat(r.get("driver_id").asLong()).isEqualTo(rows.get(i)[0]);
            Double expected = expectedConvRate((Long) rows.get(i)[0], (Instant) rows.get(i)[1]);
            if (expected == null) {
                assertThat(r.get("conv_rate").isNull()).as("row %d: %s", i, r).isTrue();
            } else {
                assertThat((float) r.get("conv_rate").asDouble())
                        .as("row %d", i)
                        .isEqualTo(expected.floatValue());
            }
        }
        assertThat(out.get(2).get("conv_rate").isNull())
                .as("inactive driver is beyond the TTL now")
                .isTrue();
        assertThat(out.get(3).get("conv_rate").isNull()).as("but not 71h ago").isFalse();
        assertThat(out.get(0).get("conv_rate")).isEqualTo(out.get(5).get("conv_rate"));
    }

    @Test
    void fullFeatureNamesAndOtherOutputFormats() throws Exception {
        String body = "{\"features\": [\"driver-stats:conv_rate\"], \"full_feature_names\": true, \"entity_rows\": ["
                + row(ACTIVE, lastHour, "a") + ", " + row(ACTIVE + 1, lastHour, "b") + "]}";
        assertThat(server.post("/v1/features/historical", body)
                        .json()
                        .get("rows")
                        .get(0)
                        .has("driver-stats__conv_rate"))
                .isTrue();

        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> csv = client.send(
                HttpRequest.newBuilder(URI.create(server.base() + "/v1/features/historical"))
                        .header("accept", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(csv.body().lines().toList())
                .hasSize(3)
                .first()
                .asString()
                .isEqualTo("driver_id,event_timestamp,label,driver-stats__conv_rate");

        HttpResponse<String> ndjson = client.send(
                HttpRequest.newBuilder(URI.create(server.base() + "/v1/features/historical"))
                        .header("accept", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ndjson.body().lines().toList()).hasSize(2);

        HttpResponse<byte[]> parquet = client.send(
                HttpRequest.newBuilder(URI.create(server.base() + "/v1/features/historical"))
                        .header("accept", "application/vnd.apache.parquet")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        Path file = directory.resolve("out.parquet");
        Files.write(file, parquet.body());
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(directory));
                Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT count(*), count(\"driver-stats__conv_rate\") FROM read_parquet('" + file + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getLong(2)).isEqualTo(2);
        }
    }

    @Test
    void acceptsEntityRowsAsCsv() throws Exception {
        String csv = "driver_id,event_timestamp\n" + ACTIVE + "," + lastHour + "\n42," + lastHour + "\n";
        // The profile table is a snapshot view: as of now it answers from its current version (written after lastHour).
        Instant now = Instant.now();
        String profileCsv = "driver_id,event_timestamp\n" + ACTIVE + "," + now + "\n42," + now + "\n";
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                server.base()
                                                        + "/v1/features/historical?features=driver-stats:conv_rate,driver-profile:name"))
                                .header("content-type", "text/csv")
                                .POST(HttpRequest.BodyPublishers.ofString(profileCsv))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode both = DemoServer.JSON.readTree(response.body()).get("rows");
        assertThat(both.get(0).get("name").asText()).isEqualTo("Driver " + ACTIVE);
        assertThat(both.get(1).get("name").isNull()).isTrue();

        response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        server.base() + "/v1/features/historical?features=driver-stats:conv_rate"))
                                .header("content-type", "text/csv")
                                .POST(HttpRequest.BodyPublishers.ofString(csv))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode rows = DemoServer.JSON.readTree(response.body()).get("rows");
        assertThat((float) rows.get(0).get("conv_rate").asDouble())
                .isEqualTo(expectedConvRate(ACTIVE, lastHour).floatValue());
        assertThat(rows.get(1).get("conv_rate").isNull()).isTrue();
    }

    @Test
    void rejectsBadRequestsWithJsonErrors() {
        DemoServer.Reply unknown = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-stats:nope\"], " + "\"entity_rows\": [" + row(ACTIVE, lastHour, "a") + "]}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").get("code").asText()).isEqualTo("UNKNOWN_FEATURE");
        assertThat(unknown.json().get("error").get("message").asText()).contains("no feature 'nope'");

        DemoServer.Reply noKey = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-stats:conv_rate\"], "
                        + "\"entity_rows\": [{\"customer\": 1, \"event_timestamp\": \"" + lastHour + "\"}]}");
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.json().get("error").get("message").asText()).contains("join key 'driver_id'");

        DemoServer.Reply malformed = server.post("/v1/features/historical", "{\"features\": [");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").get("code").asText()).isEqualTo("INVALID_JSON");

        DemoServer.Reply noTime = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entity_rows\": [{\"driver_id\": 1}]}");
        assertThat(noTime.status()).isEqualTo(400);
        assertThat(noTime.json().get("error").get("message").asText()).contains("event_timestamp");
    }

    /**
     * Without entity rows, a time range: every driver and event time of driver_hourly_stats in [start, end), in time
     * then key order, each answered as of its own time (so with its own row's values), read from the table directly.
     */
    @Test
    void aTimeRangeAnswersEveryEventOfTheViewsInIt() throws Exception {
        Instant start = lastHour.minus(Duration.ofHours(3));
        Instant end = lastHour.minus(Duration.ofHours(1));
        DemoServer.Reply reply = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-stats:conv_rate\", \"driver-profile:vehicle_type\"], \"start_date\": \""
                        + start + "\", \"end_date\": \"" + end + "\"}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode rows = reply.json().get("rows");
        Path table = directory.resolve("lakehouse/driver_hourly_stats");
        List<String> expected = new ArrayList<>();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(table));
                Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT DISTINCT driver_id, event_timestamp FROM read_parquet('"
                        + table + "/*.parquet') WHERE event_timestamp >= '" + start + "'::TIMESTAMPTZ AND "
                        + "event_timestamp < '" + end + "'::TIMESTAMPTZ ORDER BY event_timestamp, driver_id")) {
            while (rs.next()) {
                expected.add(rs.getLong(1) + "@"
                        + rs.getObject(2, java.time.OffsetDateTime.class).toInstant());
            }
        }
        assertThat(expected).hasSizeGreaterThan(100);
        List<String> actual = new ArrayList<>();
        rows.forEach(r -> actual.add(r.get("driver_id").asLong() + "@"
                + Instant.parse(r.get("event_timestamp").asText())));
        assertThat(actual).isEqualTo(expected);
        for (int i = 0; i < rows.size(); i += 37) {
            JsonNode row = rows.get(i);
            Double conv = expectedConvRate(
                    row.get("driver_id").asLong(),
                    Instant.parse(row.get("event_timestamp").asText()));
            assertThat((float) row.get("conv_rate").asDouble()).as("row %d", i).isEqualTo(conv.floatValue());
        }
    }

    @Test
    void refusesTimeRangesItCannotAnswer() {
        String both = "{\"features\": [\"driver-stats:conv_rate\"], \"start_date\": \"" + lastHour + "\", "
                + "\"entity_rows\": [" + row(ACTIVE, lastHour, "a") + "]}";
        assertThat(server.post("/v1/features/historical", both)
                        .json()
                        .at("/error/message")
                        .asText())
                .contains("either 'entity_rows' or 'start_date'");
        DemoServer.Reply notATime = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-stats:conv_rate\"], \"start_date\": \"yesterday\"}");
        assertThat(notATime.status()).isEqualTo(400);
        assertThat(notATime.json().at("/error/code").asText()).isEqualTo("INVALID_FIELD");
        DemoServer.Reply empty = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-stats:conv_rate\"], \"start_date\": \"" + lastHour + "\", \"end_date\": \""
                        + lastHour + "\"}");
        assertThat(empty.json().at("/error/message").asText()).contains("the time range is empty");
        DemoServer.Reply snapshotsOnly = server.post(
                "/v1/features/historical",
                "{\"features\": [\"driver-profile:vehicle_type\"], \"start_date\": \"" + lastHour + "\"}");
        assertThat(snapshotsOnly.status()).isEqualTo(400);
        assertThat(snapshotsOnly.json().at("/error/message").asText()).contains("snapshot views");
        DemoServer.Reply none = server.post("/v1/features/historical", "{\"features\": [\"driver-stats:conv_rate\"]}");
        assertThat(none.json().at("/error/message").asText()).contains("'start_date'");
    }

    /** The Spark job's plan for a request: pinned versions, the SQL, and what the job cannot compute refused. */
    @Test
    void plansTheSparkJob() throws Exception {
        String output = ", \"output\": {\"uri\": \"s3://training/run-1\"}";
        DemoServer.Reply plan = server.post(
                "/v1/features/historical/spark-plan",
                "{\"features\": [\"driver-stats:conv_rate\", \"driver-trips:trips_7d\", \"driver-profile:rating\"], "
                        + "\"entity_rows\": {\"uri\": \"s3://training/entities.parquet\"}" + output + "}");
        assertThat(plan.status()).as(plan.text()).isEqualTo(200);
        JsonNode json = plan.json();
        assertThat(json.get("format").asText()).isEqualTo("featureduck.io/retrieval-plan/v1");
        assertThat(json.at("/entities/uri").asText()).isEqualTo("s3://training/entities.parquet");
        assertThat(json.at("/entities/format").asText()).isEqualTo("parquet");
        assertThat(json.at("/output/format").asText()).isEqualTo("parquet");
        assertThat(json.get("features")).hasSize(3);
        assertThat(json.get("join_keys").get(0).asText()).isEqualTo("driver_id");
        JsonNode stats = json.get("tables").get(0);
        assertThat(stats.get("view").asText()).isEqualTo("driver-stats");
        assertThat(stats.get("format").asText()).isEqualTo("delta");
        assertThat(stats.get("version").asText())
                .isEqualTo(Long.toString(server.get("/v1/views/driver-stats")
                        .json()
                        .get("table_version")
                        .asLong()));
        // driver-stats has a TTL (the bounded join), driver-trips windows, driver-profile is a snapshot view.
        assertThat(json.get("sql").asText()).contains("row_number()", "FILTER (WHERE", "max_by(v.version");

        DemoServer.Reply expression = server.post(
                "/v1/features/historical/spark-plan",
                "{\"features\": [\"driver-stats:trips_per_hour\"], \"start_date\": \"" + lastHour + "\"" + output
                        + "}");
        assertThat(expression.status()).isEqualTo(422);
        assertThat(expression.json().at("/error/code").asText()).isEqualTo("NOT_ON_SPARK");
        assertThat(expression.json().at("/error/message").asText()).contains("'trips_per_hour'", "DuckDB expression");
        DemoServer.Reply onDemand = server.post(
                "/v1/features/historical/spark-plan",
                "{\"features\": [\"driver-stats:conv_rate_plus_val1\"], \"start_date\": \"" + lastHour + "\"" + output
                        + "}");
        assertThat(onDemand.json().at("/error/code").asText()).isEqualTo("NOT_ON_SPARK");
        DemoServer.Reply outside = server.post(
                "/v1/features/historical/spark-plan",
                "{\"features\": [\"driver-stats:conv_rate\"], \"start_date\": \"" + lastHour + "\", "
                        + "\"output\": {\"uri\": \"/training/../etc\"}}");
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.json().at("/error/message").asText()).contains("'output.uri'", "without '..'");
        DemoServer.Reply ftp = server.post(
                "/v1/features/historical/spark-plan",
                "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": {\"uri\": \"ftp://host/e\"}" + output
                        + "}");
        assertThat(ftp.json().at("/error/message").asText()).contains("'entity_rows.uri'");
    }
}
