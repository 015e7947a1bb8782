package io.featureduck.dataplane.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.FeastOnlineCall;
import io.featureduck.dataplane.slots.KeySlots;
import io.featureduck.dataplane.slots.ShardLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three shards that know each other answer every request exactly as one unsharded process over the same tables does,
 * over Feast's HTTP and gRPC APIs and {@code /v1}, from whichever shard is asked; a push is read from every shard at
 * once; a lost shard costs only its own keys, value by value, and its return restores every answer.
 */
class ShardedServingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> FEATURES = List.of(
            "drivers:rate",
            "drivers:trips",
            "drivers:name",
            "drivers:scores",
            "drivers:active",
            "drivers:rate_plus",
            "drivers:trips_sum_1d",
            "drivers:trips_sum_lifetime",
            "drivers:seen_1d",
            "drivers:names",
            "drivers:busy",
            "customers:spend",
            "customers:tier",
            "customers:joined",
            "trips:fare",
            "trips:trip_count",
            "zones:zone");

    @TempDir
    static Path directory;

    static ShardedStore store;
    /** Driver and customer pairs that have trips. */
    static final List<Object[]> PAIRS = new ArrayList<>();

    @BeforeAll
    static void start() throws SQLException {
        store = new ShardedStore(directory, 3);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duckdb.createStatement();
                ResultSet rs = sql.executeQuery("SELECT driver_id, customer_id FROM '"
                        + directory.resolve("lakehouse/trips/part-0.parquet") + "'")) {
            while (rs.next()) {
                PAIRS.add(new Object[] {rs.getLong(1), rs.getString(2)});
            }
        }
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void everyShardAnswersEveryRequestAsTheUnshardedProcessDoes() throws Exception {
        awaitSameVersions();
        Random random = new Random(20261207);
        for (int trial = 0; trial < 12; trial++) {
            int batch = trial % 3 == 0 ? 1 : trial % 3 == 1 ? 1000 : 1 + random.nextInt(200);
            ObjectNode request = feastRequest(random, batch, random.nextBoolean());
            String expected = comparable(post(store.single, "/get-online-features", request));
            for (DataPlane shard : store.shards) {
                assertThat(comparable(post(shard, "/get-online-features", request)))
                        .as("trial %d, batch %d, shard on port %d", trial, batch, shard.port())
                        .isEqualTo(expected);
            }
            if (batch == 1000) {
                assertThat(metrics(store.shards[0]))
                        .as("a batch of 1,000 needs the other shards")
                        .containsPattern("featureduck_shard_fan_out_total [1-9]");
            }
            GetOnlineFeaturesRequest grpc = grpcRequest(request);
            GetOnlineFeaturesResponse grpcExpected = grpc(store.single, grpc);
            for (DataPlane shard : store.shards) {
                assertThat(grpc(shard, grpc)).as("gRPC trial %d", trial).isEqualTo(grpcExpected);
            }
            ObjectNode v1 = v1Request(random, batch);
            String v1Expected = comparable(post(store.single, "/v1/features/online", v1));
            for (DataPlane shard : store.shards) {
                assertThat(comparable(post(shard, "/v1/features/online", v1)))
                        .as("/v1 trial %d", trial)
                        .isEqualTo(v1Expected);
            }
        }
    }

    @Test
    void aggregationsAreComputedFromTheOwningShardsEvents() throws Exception {
        awaitSameVersions();
        ObjectNode request = JSON.createObjectNode();
        request.putArray("features")
                .add("drivers:trips_sum_lifetime")
                .add("drivers:seen_lifetime")
                .add("drivers:names")
                .add("drivers:busy");
        ArrayNode ids = request.putObject("entities").putArray("driver_id");
        for (int id = 1; id <= 400; id++) {
            ids.add(id);
        }
        String expected = comparable(post(store.single, "/get-online-features", request));
        JsonNode counts = JSON.readTree(expected).get("results").get(2).get("values");
        assertThat(counts).as("every driver has events").allMatch(count -> count.asLong() >= 1);
        for (DataPlane shard : store.shards) {
            assertThat(comparable(post(shard, "/get-online-features", request)))
                    .as("shard on port %d", shard.port())
                    .isEqualTo(expected);
        }
    }

    @Test
    void eachShardHoldsTheKeysOfItsSlotsAndSmallTablesWhole() throws Exception {
        JsonNode single = views(store.single);
        long total = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode views = views(store.shards[i]);
            JsonNode drivers = view(views, "drivers");
            assertThat(drivers.at("/shard/of").asText()).isEqualTo(i + "/3");
            assertThat(drivers.at("/shard/read_amplification").asDouble()).isBetween(2.5, 3.6);
            total += drivers.path("entities_loaded").asLong();
            assertThat(drivers.path("entities_loaded").asLong())
                    .as("a third of the drivers")
                    .isBetween(900L, 1100L);
            assertThat(view(views, "zones").path("shard").isNull())
                    .as("a table under replicateBelowRows is held whole")
                    .isTrue();
            assertThat(view(views, "zones").path("entities_loaded").asLong()).isEqualTo(40);
        }
        assertThat(total)
                .isEqualTo(view(single, "drivers").path("entities_loaded").asLong());
        assertThat(view(single, "drivers").path("shard").isNull()).isTrue();
    }

    private static JsonNode view(JsonNode views, String name) {
        for (JsonNode view : views.path("views")) {
            if (view.path("name").asText().equals(name)) {
                return view;
            }
        }
        throw new AssertionError("no view " + name + " in " + views);
    }

    private static JsonNode views(DataPlane dataPlane) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.port() + "/v1/views"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    @Test
    void aFeatureServiceAndEveryKindOfKeyAgreeBatchByBatch() throws Exception {
        awaitSameVersions();
        Random random = new Random(7);
        ObjectNode request = feastRequest(random, 1000, true);
        request.remove("features");
        request.put("feature_service", "ranking");
        String expected = comparable(post(store.single, "/get-online-features", request));
        // Columns: driver_id, customer_id, bonus, then drivers:rate.
        assertThat(JSON.readTree(expected).at("/results/3/statuses").toString())
                .as("keys found, null, missing and expired in one batch")
                .contains("PRESENT", "NULL_VALUE", "NOT_FOUND", "OUTSIDE_MAX_AGE");
        for (DataPlane shard : store.shards) {
            assertThat(comparable(post(shard, "/get-online-features", request))).isEqualTo(expected);
        }
    }

    @Test
    void aPushIsReadFromEveryShardAtOnce() throws Exception {
        awaitSameVersions();
        // Drivers owned by each of the three shards, pushed through the second.
        List<Long> drivers = new ArrayList<>();
        for (int shard = 0; shard < 3; shard++) {
            drivers.add(driverOwnedBy(shard, 1));
        }
        ObjectNode push = JSON.createObjectNode().put("push_source_name", "drivers_push");
        ObjectNode df = push.putObject("df");
        ArrayNode ids = df.putArray("driver_id");
        ArrayNode ts = df.putArray("ts");
        ArrayNode rate = df.putArray("rate");
        for (long driver : drivers) {
            ids.add(driver);
            ts.add(java.time.Instant.now().toString());
            rate.add(1000 + driver);
        }
        for (String column : List.of("trips", "name", "scores", "active")) {
            ArrayNode values = df.putArray(column);
            drivers.forEach(d -> values.addNull());
        }
        JsonNode pushed = JSON.readTree(post(store.shards[1], "/push", push));
        assertThat(pushed.path("status").asText()).as(pushed.toString()).isEqualTo("committed");
        ObjectNode read = JSON.createObjectNode();
        read.putArray("features").add("drivers:rate");
        ArrayNode keys = read.putObject("entities").putArray("driver_id");
        drivers.forEach(keys::add);
        for (DataPlane shard : store.shards) {
            JsonNode answer = JSON.readTree(post(shard, "/get-online-features", read));
            for (int i = 0; i < drivers.size(); i++) {
                assertThat(answer.at("/results/1/values/" + i).asDouble())
                        .as("driver %d read from shard on port %d right after the push", drivers.get(i), shard.port())
                        .isEqualTo(1000.0 + drivers.get(i));
            }
        }
        awaitSameVersions();
        String expected = comparable(post(store.single, "/get-online-features", read));
        for (DataPlane shard : store.shards) {
            assertThat(comparable(post(shard, "/get-online-features", read))).isEqualTo(expected);
        }
    }

    @Test
    void aLostShardCostsOnlyItsOwnKeysAndItsReturnRestoresThem() throws Exception {
        awaitSameVersions();
        ObjectNode request = JSON.createObjectNode();
        request.putArray("features").add("drivers:name").add("customers:tier");
        ObjectNode entities = request.putObject("entities");
        ArrayNode drivers = entities.putArray("driver_id");
        ArrayNode customers = entities.putArray("customer_id");
        for (int i = 1; i <= 1000; i++) {
            drivers.add(i);
            customers.add("c-" + i);
        }
        String healthy = comparable(post(store.single, "/get-online-features", request));
        store.stopShard(2);
        try {
            JsonNode expected = JSON.readTree(healthy);
            JsonNode degraded = JSON.readTree(post(store.shards[0], "/get-online-features", request));
            ShardLayout layout = new ShardLayout(0, 3);
            int lost = 0;
            for (int i = 0; i < 1000; i++) {
                boolean driverLost = layout.owner(KeySlots.slot((long) (i + 1))) == 2;
                boolean customerLost = layout.owner(KeySlots.slot("c-" + (i + 1))) == 2;
                lost += driverLost ? 1 : 0;
                assertLostOrEqual(degraded, expected, 2, i, driverLost);
                assertLostOrEqual(degraded, expected, 3, i, customerLost);
            }
            assertThat(lost).as("a third of the drivers live on the lost shard").isBetween(250, 420);
            JsonNode v1 = JSON.readTree(post(
                    store.shards[1],
                    "/v1/features/online",
                    JSON.readTree(
                            "{\"feature_view\": \"drivers\", \"features\": [\"name\"], \"entities\": [{\"driver_id\": "
                                    + driverOwnedBy(2, 1) + "}]}")));
            assertThat(v1.at("/results/0/status").asText()).isEqualTo("UNAVAILABLE");
            assertThat(metrics(store.shards[0])).contains("featureduck_shard_failures_total{shard=\"2\"}");
        } finally {
            store.startShard(2);
        }
        for (DataPlane shard : store.shards) {
            assertThat(comparable(post(shard, "/get-online-features", request))).isEqualTo(healthy);
        }
    }

    private static void assertLostOrEqual(JsonNode degraded, JsonNode expected, int column, int entity, boolean lost) {
        String at = "/results/" + column;
        if (lost) {
            assertThat(degraded.at(at + "/statuses/" + entity).asText()).isEqualTo("INVALID");
            assertThat(degraded.at(at + "/values/" + entity).isNull()).isTrue();
        } else {
            assertThat(degraded.at(at + "/values/" + entity)).isEqualTo(expected.at(at + "/values/" + entity));
            assertThat(degraded.at(at + "/statuses/" + entity)).isEqualTo(expected.at(at + "/statuses/" + entity));
        }
    }

    private static long driverOwnedBy(int shard, long from) {
        ShardLayout layout = new ShardLayout(0, 3);
        long driver = from;
        while (layout.owner(KeySlots.slot(driver)) != shard) {
            driver++;
        }
        return driver;
    }

    /** A Feast request of random features over {@code batch} entities: found, missing and composite keys. */
    private static ObjectNode feastRequest(Random random, int batch, boolean fullNames) {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode features = request.putArray("features");
        Set<String> chosen = new HashSet<>();
        for (String feature : FEATURES) {
            if (random.nextInt(3) > 0 || feature.equals("drivers:rate_plus")) {
                chosen.add(feature);
            }
        }
        FEATURES.stream().filter(chosen::contains).forEach(features::add);
        ObjectNode entities = request.putObject("entities");
        ArrayNode drivers = entities.putArray("driver_id");
        ArrayNode customers = entities.putArray("customer_id");
        ArrayNode bonus = entities.putArray("bonus");
        for (int e = 0; e < batch; e++) {
            if (random.nextInt(4) == 0) {
                Object[] pair = PAIRS.get(random.nextInt(PAIRS.size()));
                drivers.add((Long) pair[0]);
                customers.add((String) pair[1]);
            } else {
                drivers.add(1 + random.nextInt(ShardedStore.DRIVERS + 300));
                customers.add("c-" + (1 + random.nextInt(ShardedStore.CUSTOMERS + 200)));
            }
            bonus.add(random.nextInt(100) / 4.0);
        }
        request.put("full_feature_names", fullNames);
        return request;
    }

    private static ObjectNode v1Request(Random random, int batch) {
        ObjectNode request = JSON.createObjectNode().put("feature_view", "trips");
        ArrayNode entities = request.putArray("entities");
        for (int e = 0; e < batch; e++) {
            Object[] pair = random.nextInt(3) == 0
                    ? new Object[] {(long) random.nextInt(ShardedStore.DRIVERS), "c-" + random.nextInt(100)}
                    : PAIRS.get(random.nextInt(PAIRS.size()));
            entities.addObject().put("driver_id", (Long) pair[0]).put("customer_id", (String) pair[1]);
        }
        return request;
    }

    private static GetOnlineFeaturesRequest grpcRequest(ObjectNode feast) {
        GetOnlineFeaturesRequest.Builder request = GetOnlineFeaturesRequest.newBuilder()
                .setFullFeatureNames(feast.path("full_feature_names").asBoolean());
        FeatureList.Builder features = FeatureList.newBuilder();
        feast.get("features").forEach(f -> features.addVal(f.asText()));
        request.setFeatures(features);
        RepeatedValue.Builder drivers = RepeatedValue.newBuilder();
        RepeatedValue.Builder customers = RepeatedValue.newBuilder();
        RepeatedValue.Builder bonus = RepeatedValue.newBuilder();
        JsonNode entities = feast.get("entities");
        for (int e = 0; e < entities.get("driver_id").size(); e++) {
            drivers.addVal(Value.newBuilder()
                    .setInt64Val(entities.get("driver_id").get(e).asLong()));
            customers.addVal(Value.newBuilder()
                    .setStringVal(entities.get("customer_id").get(e).asText()));
            bonus.addVal(
                    Value.newBuilder().setDoubleVal(entities.get("bonus").get(e).asDouble()));
        }
        return request.putEntities("driver_id", drivers.build())
                .putEntities("customer_id", customers.build())
                .putRequestContext("bonus", bonus.build())
                .build();
    }

    private static GetOnlineFeaturesResponse grpc(DataPlane dataPlane, GetOnlineFeaturesRequest request)
            throws InterruptedException {
        return FeastOnlineCall.call(dataPlane.grpcPort(), request);
    }

    private static String post(DataPlane dataPlane, String path, JsonNode body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.port() + path))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isIn(200, 202);
        return response.body();
    }

    private static String metrics(DataPlane dataPlane) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + dataPlane.managementPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The answer without what depends on the moment it was given (how old the data was, in seconds). */
    private static String comparable(String answer) throws IOException {
        JsonNode json = JSON.readTree(answer);
        if (json.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("data_age_seconds");
        }
        if (json instanceof ObjectNode object) {
            object.remove("data_age_seconds");
        }
        return json.toString();
    }

    /** Waits until every process serves the same table version of every view (a push reaches the unsharded one late). */
    private static void awaitSameVersions() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String expected = ShardedStore.versions(store.single);
            for (DataPlane shard : store.shards) {
                assertThat(ShardedStore.versions(shard)).isEqualTo(expected);
            }
        });
    }
}
