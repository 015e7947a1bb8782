package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feast.FeastClient;
import dev.feast.Row;
import dev.feast.SecurityConfig;
import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.FieldStatus;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.serving.ServingServiceGrpc;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feast's own Java serving client ({@code dev.feast:feast-serving-client}, unchanged) against a real data plane:
 * every value, status and timestamp it parses equals the HTTP route's answer and the tables as DuckDB reads them
 * from their files, for plain features over two views, a feature service, and on-demand features with request data.
 */
class FeastJavaClientIT {
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

    /** The bearer token, as Feast's client sends credentials: gRPC call credentials. */
    private static CallCredentials bearer() {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(
                        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                        "Bearer " + dataPlane.token);
                applier.apply(headers);
            }

            @Override
            public void thisUsesUnstableApi() {}
        };
    }

    private static FeastClient client() {
        return FeastClient.createSecure(
                "127.0.0.1",
                dataPlane.grpcPort,
                SecurityConfig.newBuilder()
                        .setCredentials(Optional.of(bearer()))
                        .setTLSEnabled(false)
                        .build());
    }

    /** A Feast value in the plain form the HTTP route's JSON reads as. */
    static Object plain(Value value) {
        return switch (value.getValCase()) {
            case VAL_NOT_SET -> null;
            case INT64_VAL -> value.getInt64Val();
            case INT32_VAL -> (long) value.getInt32Val();
            // The HTTP route writes a float32 as its shortest decimal, which is what Float.toString gives.
            case FLOAT_VAL -> Double.parseDouble(Float.toString(value.getFloatVal()));
            case DOUBLE_VAL -> value.getDoubleVal();
            case STRING_VAL -> value.getStringVal();
            case BOOL_VAL -> value.getBoolVal();
            case STRING_LIST_VAL -> new ArrayList<>(value.getStringListVal().getValList());
            default -> throw new AssertionError("unexpected value kind in this test: " + value.getValCase());
        };
    }

    static Object plain(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return items;
        }
        return value.isBoolean() ? value.booleanValue() : value.asText();
    }

    /** The HTTP answer's column of {@code name}. */
    private static JsonNode column(JsonNode answer, String name) {
        JsonNode names = answer.at("/metadata/feature_names");
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).asText().equals(name)) {
                return answer.at("/results/" + i);
            }
        }
        throw new AssertionError("no column " + name + " in " + answer);
    }

    private static String entities(List<Long> drivers) {
        return "{\"driver_id\": " + drivers + "}";
    }

    // Feast's client declares close() to throw InterruptedException; the test lets any exception fail it.
    @SuppressWarnings("try")
    @Test
    void valuesStatusesAndTimesOverTwoViewsEqualTheHttpAnswerAndTheTables() throws Exception {
        List<String> refs = List.of(
                "driver-stats:conv_rate",
                "driver-stats:avg_daily_trips",
                "driver-quality:score",
                "driver-quality:tier",
                "driver-quality:trips",
                "driver-quality:vip",
                "driver-quality:tags");
        // 1001 stopped reporting three days ago (stats expired under the 48h TTL); 1002 has no score and 1004 no
        // tier; 1100 has stats but no quality row; 99999 exists nowhere.
        List<Long> drivers = List.of(1001L, 1002L, 1004L, 1010L, 1011L, 1100L, 99999L);
        List<Row> rows = new ArrayList<>();
        drivers.forEach(driver -> rows.add(Row.create().set("driver_id", driver)));

        List<Row> answer;
        try (FeastClient feast = client()) {
            assertThat(feast.getFeastServingInfo().getVersion()).startsWith("featureduck-");
            answer = feast.getOnlineFeatures(refs, rows);
        }
        JsonNode http = dataPlane.postFeast("{\"features\": " + DataPlaneProcess.JSON.writeValueAsString(refs)
                + ", \"entities\": " + entities(drivers) + "}");

        assertThat(answer).hasSize(drivers.size());
        for (int e = 0; e < drivers.size(); e++) {
            Row row = answer.get(e);
            assertThat(row.getLong("driver_id")).isEqualTo(drivers.get(e));
            for (String ref : refs) {
                String name = ref.substring(ref.indexOf(':') + 1);
                JsonNode expected = column(http, name);
                String where = name + " of driver " + drivers.get(e);
                assertThat(row.getStatus(name).name())
                        .as(where)
                        .isEqualTo(expected.at("/statuses/" + e).asText());
                assertThat(plain(row.getFields().get(name))).as(where).isEqualTo(plain(expected.at("/values/" + e)));
            }
            // The client keeps one event time per row: the last column's, in whole seconds.
            Instant last = Instant.parse(
                    column(http, "tags").at("/event_timestamps/" + e).asText());
            assertThat(row.getEntityTimestamp().getSeconds())
                    .as("driver " + drivers.get(e))
                    .isEqualTo(last.getEpochSecond());
        }

        // The statuses the issue names, each where the data says it must be.
        assertThat(answer.get(0).getStatus("conv_rate")).isEqualTo(FieldStatus.OUTSIDE_MAX_AGE);
        assertThat(answer.get(1).getStatus("score")).isEqualTo(FieldStatus.NULL_VALUE);
        assertThat(answer.get(2).getStatus("tier")).isEqualTo(FieldStatus.NULL_VALUE);
        assertThat(answer.get(5).getStatus("score")).isEqualTo(FieldStatus.NOT_FOUND);
        assertThat(answer.get(6).getStatus("conv_rate")).isEqualTo(FieldStatus.NOT_FOUND);

        // And the values equal the latest rows DuckDB reads from the tables' files.
        List<Object[]> stats =
                dataPlane.latest("driver_hourly_stats", "conv_rate, avg_daily_trips, event_timestamp", drivers);
        List<Object[]> quality = dataPlane.latest("driver_quality", "score, tier, trips, vip", drivers);
        Instant expiry = Instant.now().minus(Duration.ofHours(48));
        for (int e = 0; e < drivers.size(); e++) {
            Row row = answer.get(e);
            Object[] stat = stats.get(e);
            if (stat == null) {
                assertThat(row.getStatus("conv_rate")).isEqualTo(FieldStatus.NOT_FOUND);
            } else if (((OffsetDateTime) stat[2]).toInstant().isBefore(expiry)) {
                assertThat(row.getStatus("conv_rate")).isEqualTo(FieldStatus.OUTSIDE_MAX_AGE);
            } else {
                assertThat(row.getFloat("conv_rate")).isEqualTo(((Number) stat[0]).floatValue());
                assertThat(row.getLong("avg_daily_trips")).isEqualTo(((Number) stat[1]).longValue());
            }
            Object[] q = quality.get(e);
            if (q == null) {
                assertThat(row.getStatus("trips")).isEqualTo(FieldStatus.NOT_FOUND);
                continue;
            }
            assertThat(row.getStatus("score")).isEqualTo(q[0] == null ? FieldStatus.NULL_VALUE : FieldStatus.PRESENT);
            if (q[0] != null) {
                assertThat(row.getDouble("score")).isCloseTo(((Number) q[0]).doubleValue(), within(0.0));
            }
            assertThat(row.getString("tier")).isEqualTo(q[1] == null ? null : q[1]);
            assertThat(row.getInt("trips")).isEqualTo(((Number) q[2]).intValue());
            assertThat(row.getFields().get("vip").getBoolVal()).isEqualTo(q[3]);
        }
    }

    /**
     * The demo's time-window aggregations (driver-trips), read by Feast's client over gRPC as any feature: every
     * value and status equal the HTTP route's. A window moves with the clock, so the two are asked again should an
     * hour boundary pass between them.
     */
    @SuppressWarnings("try")
    @Test
    void aggregationsReachFeastsClientAsTheHttpRouteAnswersThem() throws Exception {
        List<String> refs = List.of(
                "driver-trips:trips_1h",
                "driver-trips:trips_1d",
                "driver-trips:trips_7d",
                "driver-trips:conv_rate_7d",
                "driver-trips:hours_reported");
        List<Long> drivers = List.of(1001L, 1010L, 1011L, 99999L);
        List<Row> rows = new ArrayList<>();
        drivers.forEach(driver -> rows.add(Row.create().set("driver_id", driver)));
        for (int attempt = 0; ; attempt++) {
            List<Row> answer;
            try (FeastClient feast = client()) {
                answer = feast.getOnlineFeatures(refs, rows);
            }
            JsonNode http = dataPlane.postFeast("{\"features\": " + DataPlaneProcess.JSON.writeValueAsString(refs)
                    + ", \"entities\": " + entities(drivers) + "}");
            List<String> differences = new ArrayList<>();
            for (int e = 0; e < drivers.size(); e++) {
                for (String ref : refs) {
                    String name = ref.substring(ref.indexOf(':') + 1);
                    JsonNode expected = column(http, name);
                    Row row = answer.get(e);
                    if (!row.getStatus(name)
                                    .name()
                                    .equals(expected.at("/statuses/" + e).asText())
                            || !java.util.Objects.equals(
                                    plain(row.getFields().get(name)), plain(expected.at("/values/" + e)))) {
                        differences.add(name + " of driver " + drivers.get(e) + ": "
                                + row.getFields().get(name) + " vs " + expected.at("/values/" + e));
                    }
                }
            }
            if (differences.isEmpty() || attempt == 2) {
                assertThat(differences).isEmpty();
                assertThat(answer.get(1).getLong("trips_7d"))
                        .as("a reporting driver's week")
                        .isPositive();
                assertThat(answer.get(1).getLong("hours_reported")).isPositive();
                assertThat(answer.get(3).getStatus("trips_7d")).isEqualTo(FieldStatus.NOT_FOUND);
                return;
            }
        }
    }

    @Test
    void aFeatureServiceAnswersAsItsFeaturesThroughFeastsPublishedStub() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", dataPlane.grpcPort)
                .usePlaintext()
                .build();
        try {
            ServingServiceGrpc.ServingServiceBlockingStub stub =
                    ServingServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer());
            RepeatedValue drivers = RepeatedValue.newBuilder()
                    .addVal(Value.newBuilder().setInt64Val(1010))
                    .addVal(Value.newBuilder().setInt64Val(99999))
                    .build();
            GetOnlineFeaturesResponse byService = stub.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                    .setFeatureService("driver-activity")
                    .putEntities("driver_id", drivers)
                    .build());
            GetOnlineFeaturesResponse listed = stub.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                    .setFeatures(FeatureList.newBuilder()
                            .addAllVal(List.of(
                                    "driver-stats:conv_rate",
                                    "driver-stats:acc_rate",
                                    "driver-stats:avg_daily_trips",
                                    "driver-profile:name",
                                    "driver-profile:vehicle_type",
                                    "driver-profile:rating",
                                    "driver-profile:signup_date",
                                    "driver-profile:languages")))
                    .putEntities("driver_id", drivers)
                    .build());
            assertThat(byService).isEqualTo(listed);
            assertThat(byService.getMetadata().getFeatureNames().getValList())
                    .containsExactly(
                            "driver_id",
                            "conv_rate",
                            "acc_rate",
                            "avg_daily_trips",
                            "name",
                            "vehicle_type",
                            "rating",
                            "signup_date",
                            "languages");

            JsonNode http = dataPlane.postFeast("{\"feature_service\": \"driver-activity\", \"entities\": "
                    + entities(List.of(1010L, 99999L)) + "}");
            for (int c = 0; c < byService.getResultsCount(); c++) {
                for (int e = 0; e < 2; e++) {
                    assertThat(plain(byService.getResults(c).getValues(e)))
                            .isEqualTo(plain(http.at("/results/" + c + "/values/" + e)));
                    assertThat(byService.getResults(c).getStatuses(e).name())
                            .isEqualTo(
                                    http.at("/results/" + c + "/statuses/" + e).asText());
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // Feast's client declares close() to throw InterruptedException; the test lets any exception fail it.
    @SuppressWarnings("try")
    @Test
    void onDemandFeaturesComputeFromTheRowAndTheRequestDataTheClientSends() throws Exception {
        List<String> refs = List.of(
                "driver-stats:conv_rate", "driver-stats:conv_rate_plus_val1", "driver-stats:conv_rate_plus_val2");
        List<Long> drivers = List.of(1010L, 1011L, 1001L, 99999L);
        List<Row> rows = new ArrayList<>();
        for (int e = 0; e < drivers.size(); e++) {
            // Feast's Java client has no request_context: request data rides along as extra entity columns.
            rows.add(Row.create()
                    .set("driver_id", drivers.get(e))
                    .set("val_to_add", (long) e * 10)
                    .set("val_to_add_2", 1000L + e));
        }
        List<Row> answer;
        try (FeastClient feast = client()) {
            answer = feast.getOnlineFeatures(refs, rows);
        }
        JsonNode http = dataPlane.postFeast("{\"features\": " + DataPlaneProcess.JSON.writeValueAsString(refs)
                + ", \"entities\": {\"driver_id\": " + drivers + ", \"val_to_add\": [0, 10, 20, 30], "
                + "\"val_to_add_2\": [1000, 1001, 1002, 1003]}}");
        for (int e = 0; e < drivers.size(); e++) {
            Row row = answer.get(e);
            for (String name : List.of("conv_rate", "conv_rate_plus_val1", "conv_rate_plus_val2")) {
                JsonNode expected = column(http, name);
                assertThat(row.getStatus(name).name())
                        .isEqualTo(expected.at("/statuses/" + e).asText());
                assertThat(plain(row.getFields().get(name))).isEqualTo(plain(expected.at("/values/" + e)));
            }
        }
        for (int e = 0; e < 2; e++) {
            Row row = answer.get(e);
            assertThat(row.getDouble("conv_rate_plus_val1")).isEqualTo(row.getFloat("conv_rate") + e * 10.0);
            assertThat(row.getDouble("conv_rate_plus_val2")).isEqualTo(row.getFloat("conv_rate") + 1000.0 + e);
        }
        // An expired row and a missing one carry their status to the features computed from them.
        assertThat(answer.get(2).getStatus("conv_rate_plus_val1")).isEqualTo(FieldStatus.OUTSIDE_MAX_AGE);
        assertThat(answer.get(3).getStatus("conv_rate_plus_val1")).isEqualTo(FieldStatus.NOT_FOUND);
    }
}
