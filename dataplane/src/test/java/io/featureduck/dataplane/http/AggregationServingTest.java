package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.FeastOnlineCall;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view of aggregations over a Delta table that takes pushes, served through every API: Feast's HTTP and gRPC
 * routes, {@code /v1}, a feature service, an on-demand feature reading an aggregation, historical retrieval; a push
 * counts in the windows before it is answered; {@code /v1/views} and the metrics report the events' memory.
 */
class AggregationServingTest {
    private static final String VIEW = """
            source: {path: drivers, timestampColumn: event_timestamp, createdTimestampColumn: created}
            entities: [{name: driver_id, type: int64}]
            features: [{name: city, type: string}]
            aggregations:
              - {name: trips, column: trips, type: int32, function: sum, windows: [1h, 1d, lifetime]}
              - {name: events, function: count, windows: [1h]}
              - {name: cities, column: city, type: string, function: count_distinct, window: 1d}
            onDemand: [{name: busy, type: bool, expression: 'events_1h >= 2'}]
            refreshInterval: 1h
            push: {enabled: true, sourceName: trips_push, flushInterval: 10ms}
            """;
    private static final String FEATURES =
            "[\"scores:trips_1h\", \"scores:trips_1d\", \"scores:trips_lifetime\", \"scores:events_1h\", "
                    + "\"scores:busy\", \"scores:cities\"]";

    @TempDir
    Path directory;

    @Test
    void everyApiServesTheWindowsAsOfNowAndAPushCountsBeforeItIsAnswered() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path table = directory.resolve("lakehouse/drivers");
        Files.createDirectories(table.getParent());
        // trips is driver % 100: driver 1 has 1 per event, driver 2 has 2.
        PushTables.DELTA.appendExternally(table, List.of(1L, 2L), now.minus(Duration.ofDays(3)));
        PushTables.DELTA.appendExternally(table, List.of(1L), now.minus(Duration.ofHours(2)));
        PushTables.DELTA.appendExternally(table, List.of(1L, 2L), now.minus(Duration.ofMinutes(30)));
        PushTables.DELTA.appendExternally(table, List.of(1L), now.minus(Duration.ofMinutes(5)));
        Path yaml = ServingYaml.write(directory, "delta", VIEW);
        Files.writeString(yaml, """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureService
                metadata: {name: activity}
                spec:
                  store: lake
                  features: ['scores:trips_1h', 'scores:busy']
                """, java.nio.file.StandardOpenOption.APPEND);
        ServingConfig config = new ServingConfigLoader().load(yaml);
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());

            JsonNode feast = http.post(
                            "/get-online-features",
                            "{\"features\": " + FEATURES + ", \"entities\": {\"driver_id\": [1, 2, 3]}}")
                    .json();
            assertThat(values(feast, 1)).as("trips_1h").isEqualTo("[2,2,null]");
            assertThat(values(feast, 2)).as("trips_1d").isEqualTo("[3,2,null]");
            assertThat(values(feast, 3)).as("trips_lifetime").isEqualTo("[4,4,null]");
            assertThat(values(feast, 4)).as("events_1h").isEqualTo("[2,1,null]");
            assertThat(values(feast, 5)).as("busy, on demand over events_1h").isEqualTo("[true,false,null]");
            assertThat(values(feast, 6)).as("cities").isEqualTo("[1,1,null]");
            assertThat(feast.at("/results/1/statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\",\"NOT_FOUND\"]");

            JsonNode service = http.post(
                            "/get-online-features",
                            "{\"feature_service\": \"activity\", \"entities\": {\"driver_id\": [2, 1]}}")
                    .json();
            assertThat(service.at("/metadata/feature_names").toString())
                    .isEqualTo("[\"driver_id\",\"trips_1h\",\"busy\"]");
            assertThat(values(service, 1)).isEqualTo("[2,2]");
            assertThat(values(service, 2)).isEqualTo("[false,true]");

            GetOnlineFeaturesResponse grpc = grpc(dataPlane);
            assertThat(grpc.getResults(1).getValues(0).getInt64Val()).isEqualTo(2);
            assertThat(grpc.getResults(3).getValues(0).getInt64Val()).isEqualTo(4);
            assertThat(grpc.getResults(5).getValues(0).getBoolVal()).isTrue();
            assertThat(grpc.getResults(5).getValues(1).getBoolVal()).isFalse();

            JsonNode v1 = http.post(
                            "/v1/features/online",
                            "{\"feature_view\": \"scores\", \"entities\": [{\"driver_id\": 1}, {\"driver_id\": 2}]}")
                    .json();
            assertThat(v1.at("/results/0/features/trips_1d").asLong()).isEqualTo(3);
            assertThat(v1.at("/results/1/features/trips_lifetime").asLong()).isEqualTo(4);

            DemoServer.Reply pushed = http.post(
                    "/push",
                    "{\"push_source_name\": \"trips_push\", \"to\": \"online_and_offline\", \"df\": {\"driver_id\": "
                            + "[1], \"event_timestamp\": ["
                            + now.minusSeconds(60).getEpochSecond() + "], "
                            + "\"trips\": [11], \"conv_rate\": [0.5], \"city\": [\"lyon\"]}}");
            assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
            JsonNode afterPush = http.post(
                            "/get-online-features",
                            "{\"features\": " + FEATURES + ", \"entities\": {\"driver_id\": [1]}}")
                    .json();
            assertThat(values(afterPush, 1)).as("trips_1h after the push").isEqualTo("[13]");
            assertThat(values(afterPush, 3)).as("trips_lifetime after the push").isEqualTo("[15]");
            assertThat(values(afterPush, 4)).as("events_1h after the push").isEqualTo("[3]");
            assertThat(values(afterPush, 6)).as("cities after the push").isEqualTo("[2]");

            JsonNode historical = http.post(
                            "/v1/features/historical",
                            "{\"features\": [\"scores:trips_1h\", \"scores:trips_lifetime\", \"scores:busy\"], "
                                    + "\"entity_rows\": [{\"driver_id\": 1, \"event_timestamp\": \""
                                    + now.minus(Duration.ofMinutes(20)) + "\"}, {\"driver_id\": 1, "
                                    + "\"event_timestamp\": \"" + now + "\"}, {\"driver_id\": 2, "
                                    + "\"event_timestamp\": \"" + now.minus(Duration.ofDays(4)) + "\"}]}")
                    .json();
            assertThat(historical.at("/rows/0/trips_1h").asLong())
                    .as("as of 20 minutes ago")
                    .isEqualTo(1);
            assertThat(historical.at("/rows/0/trips_lifetime").asLong()).isEqualTo(3);
            assertThat(historical.at("/rows/1/trips_1h").asLong())
                    .as("as of now")
                    .isEqualTo(13);
            assertThat(historical.at("/rows/1/busy").asBoolean()).isTrue();
            assertThat(historical.at("/rows/2/trips_lifetime").isNull())
                    .as("before the driver's first event")
                    .isTrue();

            JsonNode report = http.get("/v1/views/scores").json().path("aggregations");
            assertThat(report.path("events_held").asLong()).isEqualTo(7);
            assertThat(report.path("state_bytes").asLong()).isPositive();
            assertThat(report.path("bytes_per_entity").asDouble()).isPositive();
            assertThat(report.path("features").findValuesAsText("name"))
                    .containsExactly("trips_1h", "trips_1d", "trips_lifetime", "events_1h", "cities");
            assertThat(report.path("history_since").asText())
                    .isEqualTo(now.minus(Duration.ofDays(3)).toString());
            assertThat(report.at("/features/0/short_of_data").isNull())
                    .as("1h of 3 days")
                    .isTrue();
            assertThat(report.at("/features/2/short_of_data").isNull())
                    .as("lifetime")
                    .isTrue();
            assertThat(new HttpProbe(dataPlane.managementPort()).get("/metrics").text())
                    .contains("featureduck_view_aggregation_events{view=\"scores\"} 7.0")
                    .contains("featureduck_view_aggregation_bytes{view=\"scores\"}");
        }
    }

    @Test
    void anAggregationTheTableCannotFeedFailsItsViewNamingTheField() throws Exception {
        Path table = directory.resolve("lakehouse/drivers");
        Files.createDirectories(table.getParent());
        PushTables.DELTA.appendExternally(table, List.of(1L), Instant.now().minus(Duration.ofMinutes(5)));
        ServingConfig config = new ServingConfigLoader().load(ServingYaml.write(directory, "delta", """
                        source: {path: drivers, timestampColumn: event_timestamp}
                        entities: [{name: driver_id, type: int64}]
                        aggregations:
                          - {name: fares, column: fare, type: float64, function: sum, window: 1h}
                          - {name: odd, expression: 'city + 1', type: int64, function: max, window: 1h}
                        """));
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            JsonNode view =
                    new HttpProbe(dataPlane.port()).get("/v1/views/scores").json();
            assertThat(view.path("state").asText()).isEqualTo("FAILED");
            assertThat(view.path("last_error").asText())
                    .contains("spec.aggregations[0].column: column 'fare' is not in the table")
                    .contains("spec.aggregations[1].expression");
        }
    }

    private static String values(JsonNode feast, int column) {
        return feast.at("/results/" + column + "/values").toString();
    }

    private static GetOnlineFeaturesResponse grpc(DataPlane dataPlane) throws InterruptedException {
        GetOnlineFeaturesRequest request = GetOnlineFeaturesRequest.newBuilder()
                .setFeatures(FeatureList.newBuilder()
                        .addVal("scores:trips_1h")
                        .addVal("scores:trips_1d")
                        .addVal("scores:trips_lifetime")
                        .addVal("scores:events_1h")
                        .addVal("scores:busy"))
                .putEntities(
                        "driver_id",
                        RepeatedValue.newBuilder()
                                .addVal(Value.newBuilder().setInt64Val(1))
                                .addVal(Value.newBuilder().setInt64Val(2))
                                .build())
                .build();
        return FeastOnlineCall.call(dataPlane.grpcPort(), request);
    }
}
