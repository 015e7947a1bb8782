package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feast's own Python SDK ({@code feast} 0.67.0 from PyPI with its grpcio and redis extras, pinned in
 * {@code src/test/python/requirements.txt} and installed by the build into {@code target/feast-python}), unchanged,
 * against a data plane: a {@code feature_store.yaml} that names the data plane as registry, online store and offline
 * store is the whole Feast configuration ({@code src/test/python/feast_sdk.py}). What the SDK hands back must equal
 * the data plane's own HTTP answers and values known from the tables, including tables Spark wrote in Delta, Iceberg
 * and Hudi.
 */
class FeastPythonSdkIT {
    /** Between Spark's commit of version 0 of the shared Delta table and of its UPDATE (version 1). */
    private static final String BETWEEN_DELTA_VERSIONS = Instant.ofEpochMilli(
                    (DataPlaneProcess.DELTA_COMMIT_MILLIS.get(0) + DataPlaneProcess.DELTA_COMMIT_MILLIS.get(1)) / 2)
            .toString();

    @TempDir
    static Path work;

    static DataPlaneProcess dataPlane;
    static FeastSdk sdk;

    @BeforeAll
    static void start() throws Exception {
        dataPlane = new DataPlaneProcess(work);
        sdk = new FeastSdk(dataPlane, work.resolve("feast-repo"));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
    }

    static JsonNode feast(String token, String command, String... arguments) throws Exception {
        return sdk.run(token, command, arguments);
    }

    static JsonNode feast(String command, Object argument) throws Exception {
        return sdk.call(dataPlane.token, command, argument);
    }

    private static JsonNode answer(JsonNode answer) {
        return FeastSdk.answer(answer);
    }

    private static void assertFeastError(JsonNode answer, String feastClass, String... messageParts) {
        FeastSdk.assertFeastError(answer, feastClass, messageParts);
    }

    @Test
    void feastsCommandLineListsTheServedViewsEntitiesAndServices() throws Exception {
        JsonNode views = answer(feast(dataPlane.token, "cli", "feature-views", "list"));
        assertThat(views.path("status").asInt()).as(views.toString()).isZero();
        assertThat(views.path("out").asText())
                .contains(
                        "driver-stats",
                        "driver-profile",
                        "driver-quality",
                        "delta-updates",
                        "iceberg-deletes",
                        "hudi-people");
        JsonNode services = answer(feast(dataPlane.token, "cli", "feature-services", "list"));
        assertThat(services.path("out").asText())
                .contains("driver-activity", "lakehouse-formats", "delta-updates:str, iceberg-deletes:name");
        JsonNode entities = answer(feast(dataPlane.token, "cli", "entities", "list"));
        assertThat(entities.path("out").asText()).contains("driver_id", "ValueType.INT64", "ValueType.INT32");
    }

    @Test
    void onlineFeaturesAreTheTablesLatestRowsAndOurOwnAnswer() throws Exception {
        List<Long> drivers = List.of(1010L, 1011L, 1001L, 99999L);
        JsonNode online = answer(feast(
                "online",
                Map.of(
                        "features",
                        List.of("driver-stats:conv_rate", "driver-stats:avg_daily_trips"),
                        "entities",
                        drivers.stream().map(d -> Map.of("driver_id", d)).toList())));
        List<Object[]> latest =
                dataPlane.latest("driver_hourly_stats", "conv_rate, avg_daily_trips, event_timestamp", drivers);
        for (int e = 0; e < 2; e++) {
            assertThat(online.path("conv_rate").get(e).floatValue())
                    .isEqualTo(((Number) latest.get(e)[0]).floatValue());
            assertThat(online.path("avg_daily_trips").get(e).asLong())
                    .isEqualTo(((Number) latest.get(e)[1]).longValue());
        }
        // Expired (48h TTL) and unknown drivers: not PRESENT, so Feast hands back no value.
        assertThat(online.path("conv_rate").get(2).isNull()).isTrue();
        assertThat(online.path("avg_daily_trips").get(3).isNull()).isTrue();
        assertThat(Instant.now())
                .isAfter(((OffsetDateTime) latest.get(2)[2]).toInstant().plusSeconds(48 * 3600));
        JsonNode http =
                dataPlane.postFeast("{\"features\": [\"driver-stats:conv_rate\", \"driver-stats:avg_daily_trips\"], "
                        + "\"entities\": {\"driver_id\": [1010, 1011, 1001, 99999]}}");
        assertThat(online.path("conv_rate").get(0).doubleValue())
                .isEqualTo(http.path("results").get(1).path("values").get(0).doubleValue());
    }

    @Test
    void aFeatureServiceAndRequestDataServeOnline() throws Exception {
        JsonNode service = answer(
                feast("online", Map.of("service", "driver-activity", "entities", List.of(Map.of("driver_id", 1010)))));
        JsonNode http = dataPlane.postFeast(
                "{\"feature_service\": \"driver-activity\", \"entities\": {\"driver_id\": [1010]}}");
        JsonNode names = http.path("metadata").path("feature_names");
        for (int f = 1; f < names.size(); f++) {
            String name = names.get(f).asText();
            JsonNode ours = http.path("results").get(f).path("values").get(0);
            JsonNode theirs = service.path(name).get(0);
            assertThat(theirs.isMissingNode()).as("Feast's answer has %s", name).isFalse();
            if (ours.isNumber()) {
                assertThat(theirs.doubleValue())
                        .as(name)
                        .isCloseTo(ours.doubleValue(), org.assertj.core.data.Offset.offset(1e-6));
            } else {
                assertThat(theirs).as(name).isEqualTo(ours);
            }
        }
        JsonNode onDemand = answer(feast(
                "online",
                Map.of(
                        "features",
                        List.of("driver-stats:conv_rate", "driver-stats:conv_rate_plus_val1"),
                        "entities",
                        List.of(
                                Map.of("driver_id", 1010, "val_to_add", 10),
                                Map.of("driver_id", 1011, "val_to_add", 20)))));
        for (int e = 0; e < 2; e++) {
            assertThat(onDemand.path("conv_rate_plus_val1").get(e).doubleValue())
                    .isCloseTo(
                            onDemand.path("conv_rate").get(e).doubleValue() + 10 * (e + 1),
                            org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void nullValuesReachFeastAsMissing() throws Exception {
        List<Long> drivers = List.of(1002L, 1005L);
        JsonNode online = answer(feast(
                "online",
                Map.of(
                        "features",
                        List.of("driver-quality:score", "driver-quality:tier", "driver-quality:trips"),
                        "entities",
                        drivers.stream().map(d -> Map.of("driver_id", d)).toList())));
        List<Object[]> latest = dataPlane.latest("driver_quality", "score, tier, trips", drivers);
        for (int e = 0; e < drivers.size(); e++) {
            Object[] expected = latest.get(e);
            assertThat(online.path("score").get(e).isNull()).isEqualTo(expected[0] == null);
            assertThat(online.path("trips").get(e).asInt()).isEqualTo(((Number) expected[2]).intValue());
        }
        assertThat(online.path("score").get(0).isNull())
                .as("driver 1002 has no score")
                .isTrue();
    }

    @Test
    void trainingDataFromDeltaIcebergAndHudiTablesIsTheirLatestRowsAndOurOwnAnswer() throws Exception {
        String now = Instant.now().toString();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int id : List.of(1, 2, 4, 5, 10, 60)) {
            rows.add(Map.of("id", id, "event_timestamp", now));
        }
        JsonNode feast = answer(feast("historical", Map.of("service", "lakehouse-formats", "rows", rows)));
        assertThat(feast).hasSize(rows.size());
        // Delta: Spark's UPDATE set str = 'N/A' where id < 50.
        assertThat(column(feast, "str")).containsExactly("N/A", "N/A", "N/A", "N/A", "N/A", "val=60");
        // Iceberg: equality deletes removed ids 1, 2, 3 and 6; 4 and 5 remain.
        assertThat(column(feast, "name")).containsExactly(null, null, "d", "e", null, null);
        // Hudi: the upsert of id 1 set isActive to false; 4 (Diana) came with it; 5, 10 and 60 were never written.
        assertThat(column(feast, "isActive")).containsExactly("false", "false", "true", null, null, null);
        assertSameAsOurs(feast, rows, List.of("delta-updates:str", "iceberg-deletes:name", "hudi-people:isActive"));
    }

    @Test
    void trainingDataFromADeltaTableIsTheVersionCurrentAtEachRowsTime() throws Exception {
        List<Map<String, Object>> rows = List.of(
                Map.of("id", 10, "event_timestamp", BETWEEN_DELTA_VERSIONS),
                Map.of("id", 10, "event_timestamp", Instant.now().toString()),
                Map.of("id", 60, "event_timestamp", BETWEEN_DELTA_VERSIONS));
        JsonNode feast = answer(feast("historical", Map.of("features", List.of("delta-updates:str"), "rows", rows)));
        assertThat(column(feast, "str")).containsExactly("val=10", "N/A", "val=60");
        assertSameAsOurs(feast, rows, List.of("delta-updates:str"));
    }

    /** The data plane's own HTTP historical answer for the same rows has the same values. */
    private static void assertSameAsOurs(JsonNode feast, List<Map<String, Object>> rows, List<String> features)
            throws Exception {
        ObjectNode request = DataPlaneProcess.JSON.createObjectNode();
        request.putPOJO("features", features);
        request.putPOJO("entity_rows", rows);
        JsonNode ours = dataPlane
                .postJson("/v1/features/historical", request.toString())
                .path("rows");
        for (String feature : features) {
            String name = feature.substring(feature.indexOf(':') + 1);
            assertThat(column(feast, name)).as(name).isEqualTo(column(ours, name));
        }
    }

    @Test
    void trainingDataOfDriversWithOnDemandFeaturesAndFullNamesIsOurOwnAnswer() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int d = 0; d < 30; d++) {
            rows.add(Map.of(
                    "driver_id",
                    1000 + d,
                    "event_timestamp",
                    Instant.now().minusSeconds(3600L * (d % 72)).toString(),
                    "val_to_add",
                    d));
        }
        List<String> features =
                List.of("driver-stats:conv_rate", "driver-stats:conv_rate_plus_val1", "driver-profile:vehicle_type");
        JsonNode feast = answer(feast("historical", Map.of("features", features, "rows", rows, "full", true)));
        ObjectNode request = DataPlaneProcess.JSON.createObjectNode();
        request.putPOJO("features", features);
        request.putPOJO("entity_rows", rows);
        request.put("full_feature_names", true);
        JsonNode ours = dataPlane
                .postJson("/v1/features/historical", request.toString())
                .path("rows");
        assertThat(feast).hasSize(rows.size());
        assertThat(column(feast, "driver-stats__conv_rate").stream()
                        .filter(v -> v != null)
                        .count())
                .as("some drivers have rows in their TTL")
                .isGreaterThan(5);
        for (String name : List.of(
                "driver-stats__conv_rate", "driver-stats__conv_rate_plus_val1", "driver-profile__vehicle_type")) {
            List<String> theirs = column(feast, name);
            List<String> mine = column(ours, name);
            for (int r = 0; r < rows.size(); r++) {
                if (mine.get(r) == null || theirs.get(r) == null) {
                    assertThat(theirs.get(r)).as("%s of row %d", name, r).isEqualTo(mine.get(r));
                } else if (name.contains("vehicle_type")) {
                    assertThat(theirs.get(r)).isEqualTo(mine.get(r));
                } else {
                    assertThat(Double.parseDouble(theirs.get(r)))
                            .as("%s of row %d", name, r)
                            .isCloseTo(Double.parseDouble(mine.get(r)), org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    @Test
    void materializationReadsAreTheTablesRowsInTheRange() throws Exception {
        String end = Instant.now().toString();
        JsonNode latest = answer(feast(
                "pull",
                Map.of(
                        "view",
                        "driver-stats",
                        "features",
                        List.of("conv_rate", "avg_daily_trips"),
                        "latest",
                        true,
                        "start",
                        "2000-01-01T00:00:00+00:00",
                        "end",
                        end)));
        List<Long> drivers = new ArrayList<>();
        for (JsonNode row : latest) {
            drivers.add(row.path("driver_id").asLong());
        }
        assertThat(drivers).as("one row per driver").doesNotHaveDuplicates().hasSizeGreaterThan(100);
        List<Long> sample = drivers.subList(0, 20);
        List<Object[]> expected = dataPlane.latest("driver_hourly_stats", "conv_rate, avg_daily_trips", sample);
        for (int d = 0; d < sample.size(); d++) {
            JsonNode row = latest.get(d);
            assertThat(row.path("conv_rate").floatValue()).isEqualTo(((Number) expected.get(d)[0]).floatValue());
            assertThat(row.path("avg_daily_trips").asLong()).isEqualTo(((Number) expected.get(d)[1]).longValue());
            assertThat(row.has("event_timestamp") && row.has("created")).isTrue();
        }
        String start = Instant.now().minusSeconds(6 * 3600).toString();
        JsonNode all = answer(feast(
                "pull",
                Map.of(
                        "view",
                        "driver-stats",
                        "features",
                        List.of("conv_rate"),
                        "latest",
                        false,
                        "start",
                        start,
                        "end",
                        end)));
        assertThat(all.size())
                .isEqualTo(dataPlane.count("driver_hourly_stats", Instant.parse(start), Instant.parse(end)));
        for (JsonNode row : all) {
            assertThat(Instant.parse(row.path("event_timestamp").asText()))
                    .isBetween(Instant.parse(start), Instant.parse(end));
        }
        assertFeastError(
                feast(
                        "pull",
                        Map.of(
                                "view",
                                "driver-stats",
                                "features",
                                List.of("conv_rate_plus_val1"),
                                "latest",
                                true,
                                "start",
                                start,
                                "end",
                                end)),
                "FeastError",
                "not a stored feature");
    }

    @Test
    void writesAreRefusedNamingWhereDefinitionsChange() throws Exception {
        assertFeastError(feast("apply", Map.of()), "ReadOnlyRegistryException", "read-only", "FeatureView");
    }

    @Test
    void aWrongTokenIsRefusedOnEveryProtocol() throws Exception {
        String wrong = "not-" + dataPlane.token;
        JsonNode registry = feast(wrong, "registry", "{\"kind\": \"feature_view\", \"name\": \"driver-stats\"}");
        assertFeastError(registry, "FeastPermissionError", "bearer token is not accepted");
        JsonNode online = feast(
                wrong, "online", "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": [{\"driver_id\": 1010}]}");
        assertThat(online.path("error").path("message").asText()).contains("401");
        JsonNode offline = feast(
                wrong,
                "exchange",
                "{\"refs\": [\"driver-stats:conv_rate\"], "
                        + "\"rows\": [{\"driver_id\": 1010, \"event_timestamp\": \"2026-01-01T00:00:00Z\"}]}");
        assertFeastError(offline, "FeastPermissionError", "bearer token is not accepted");
    }

    @Test
    void badInputGetsFeastsErrorsAndTheServerKeepsServing() throws Exception {
        List<Map<String, Object>> row = List.of(
                Map.of("driver_id", 1010, "event_timestamp", Instant.now().toString()));
        assertFeastError(
                feast("exchange", Map.of("refs", List.of("no-such-view:x"), "rows", row)),
                "FeatureViewNotFoundException",
                "no-such-view");
        assertFeastError(
                feast("exchange", Map.of("refs", List.of("driver-stats:no_such_feature"), "rows", row)),
                "FeastError",
                "no feature 'no_such_feature'");
        assertFeastError(
                feast(
                        "exchange",
                        Map.of("refs", List.of("driver-stats:conv_rate"), "rows", List.of(Map.of("driver_id", 1)))),
                "FeastError",
                "event_timestamp");
        assertFeastError(
                feast("exchange", Map.of("refs", List.of("driver-stats:conv_rate"), "raw_command", "{not json")),
                "FeastError",
                "not the JSON object of Feast's remote offline store");
        long rowsOverBudget = DataPlaneProcess.MAX_HISTORICAL_BYTES / 24 + 1000;
        assertFeastError(
                feast("exchange", Map.of("refs", List.of("driver-stats:conv_rate"), "repeat", rowsOverBudget)),
                "FeastError",
                "exceeds the limit of " + DataPlaneProcess.MAX_HISTORICAL_BYTES + " bytes");
        assertFeastError(
                feast("registry", Map.of("kind", "entity", "name", "no_such_key")),
                "EntityNotFoundException",
                "entity 'no_such_key' does not exist in project 'demo'");
        assertFeastError(
                feast("registry", Map.of("kind", "feature_view", "name", "driver-stats", "project", "other")),
                "ProjectObjectNotFoundException",
                "project 'other' is not served here");
        // Still serving, on both protocols.
        JsonNode after = answer(feast("exchange", Map.of("refs", List.of("driver-stats:conv_rate"), "rows", row)));
        assertThat(after.path("rows").asInt()).isEqualTo(1);
        assertThat(answer(feast("registry", Map.of("kind", "entity", "name", "driver_id")))
                        .path("found")
                        .asText())
                .isEqualTo("driver_id");
    }

    /** One column of JSON records, each value as text (null when absent). */
    private static List<String> column(JsonNode records, String name) {
        List<String> values = new ArrayList<>();
        for (JsonNode record : (ArrayNode) records) {
            JsonNode value = record.path(name);
            values.add(value.isNull() || value.isMissingNode() ? null : value.asText());
        }
        return values;
    }
}
