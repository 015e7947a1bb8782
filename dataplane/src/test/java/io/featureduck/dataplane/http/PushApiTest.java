package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.ComparableValues;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.error.ErrorCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Feast pushes over HTTP into real Delta, Iceberg and Parquet tables: what a push commits is served by the pod that
 * took it before it answers, historically at once, and read back exactly once by the format's own reader.
 */
class PushApiTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String VIEW = """
            source: {path: drivers, timestampColumn: event_timestamp, createdTimestampColumn: created}
            entities: [{name: driver_id, type: int64}]
            features: [{name: conv_rate, type: float64}, {name: trips, type: int32}, {name: city, type: string}]
            refreshInterval: 1h
            push: {enabled: true, sourceName: driver_stats_push, flushInterval: %s}
            """;

    @TempDir
    Path directory;

    private DataPlane start(PushTables format, String flushInterval) throws Exception {
        Path table = directory.resolve("lakehouse/drivers");
        Files.createDirectories(table.getParent());
        format.create(table, List.of(1L, 2L), T0);
        ServingConfig config = new ServingConfigLoader()
                .load(ServingYaml.write(directory, format.format(), VIEW.formatted(flushInterval)));
        DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build());
        dataPlane.initialLoad().join();
        return dataPlane;
    }

    private Path table() {
        return directory.resolve("lakehouse/drivers");
    }

    @ParameterizedTest
    @EnumSource(PushTables.class)
    void aPushIsServedOnlineBeforeItIsAnsweredAndHistoricallyAtOnce(PushTables format) throws Exception {
        try (DataPlane dataPlane = start(format, "200ms")) {
            HttpProbe http = new HttpProbe(dataPlane.port());
            long before =
                    http.get("/v1/views/scores").json().path("table_version").asLong();
            Instant at = T0.plus(1, ChronoUnit.DAYS);

            DemoServer.Reply pushed = http.post(
                    "/push",
                    "{\"push_source_name\": \"driver_stats_push\", \"to\": "
                            + "\"online_and_offline\", \"df\": {\"driver_id\": [1, 7], \"event_timestamp\": [\""
                            + "2026-11-02 00:00:00\", " + at.getEpochSecond() + "], \"conv_rate\": [0.25, 0.75], "
                            + "\"trips\": [11, 77], \"city\": [\"paris\", \"paris\"]}}");

            assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
            assertThat(pushed.json().path("status").asText()).isEqualTo("committed");
            assertThat(pushed.json().path("rows").asInt()).isEqualTo(2);
            long version = pushed.json().path("table_version").asLong();
            assertThat(version).isGreaterThan(before);
            // No refresh ran (the interval is an hour): the answer came only after this pod served the commit.
            JsonNode online = http.post(
                            "/v1/features/online",
                            "{\"feature_view\": \"scores\", \"entities\": "
                                    + "[{\"driver_id\": 1}, {\"driver_id\": 7}, {\"driver_id\": 2}]}")
                    .json();
            assertThat(online.path("table_version").asLong()).isEqualTo(version);
            assertThat(online.at("/results/0/features/conv_rate").asDouble()).isEqualTo(0.25);
            assertThat(online.at("/results/1/features/trips").asInt()).isEqualTo(77);
            assertThat(online.at("/results/1/event_timestamp").asText()).isEqualTo(at.toString());
            assertThat(online.at("/results/2/features/conv_rate").asDouble()).isEqualTo(0.002);

            JsonNode historical = http.post(
                            "/v1/features/historical",
                            "{\"features\": [\"scores:conv_rate\"], "
                                    + "\"entity_rows\": [{\"driver_id\": 1, \"event_timestamp\": \"2026-11-01T12:00:00Z\"}, "
                                    + "{\"driver_id\": 1, \"event_timestamp\": \"2026-11-03T00:00:00Z\"}, "
                                    + "{\"driver_id\": 7, \"event_timestamp\": \"2026-11-03T00:00:00Z\"}]}")
                    .json();
            assertThat(historical.at("/rows/0/conv_rate").asDouble())
                    .as("before the push: the older row")
                    .isEqualTo(0.001);
            assertThat(historical.at("/rows/1/conv_rate").asDouble()).isEqualTo(0.25);
            assertThat(historical.at("/rows/2/conv_rate").asDouble()).isEqualTo(0.75);

            List<Map<String, Object>> rows = format.readAll(table());
            assertThat(rows).hasSize(4);
            Map<String, Object> seven = rows.stream()
                    .filter(r -> Long.valueOf(7).equals(r.get("driver_id")))
                    .findFirst()
                    .orElseThrow();
            assertThat(seven)
                    .containsEntry("conv_rate", 0.75)
                    .containsEntry("trips", 77L)
                    .containsEntry("city", "paris")
                    .containsEntry("event_timestamp", ComparableValues.of(at));
            assertThat(seven.get("created"))
                    .as("the push's receive time stands in for a created timestamp it " + "did not send")
                    .isNotNull();
            // Our own read path (the format's TableSource, DuckDB over the files it names) reads the same rows.
            ServingConfig served = dataPlane.config();
            io.featureduck.dataplane.source.TableSnapshot snapshot =
                    new io.featureduck.dataplane.source.TableSourceFactory()
                            .forView(served.view("scores").orElseThrow())
                            .latestSnapshot();
            assertThat(snapshot.version()).isEqualTo(version);
            assertThat(io.featureduck.dataplane.SnapshotRows.read(snapshot, List.of(table())))
                    .containsExactlyInAnyOrderElementsOf(rows);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = PushTables.class,
            names = {"DELTA", "ICEBERG"})
    void fourPushersOfAThousandSingleRowsLandExactlyOnceInFewCommitsBesideAnotherWriter(PushTables format)
            throws Exception {
        try (DataPlane dataPlane = start(format, "200ms")) {
            long commitsBefore = format.commits(table());
            HttpClient client = HttpClient.newHttpClient();
            URI push = URI.create("http://127.0.0.1:" + dataPlane.port() + "/push");
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> pushers = new ArrayList<>();
            for (int pusher = 0; pusher < 4; pusher++) {
                long first = 10_000L * (pusher + 1);
                pushers.add(CompletableFuture.runAsync(() -> pushAll(client, push, first, 1_000, failures)));
            }
            // Another writer commits to the same table while the pushes arrive.
            List<Long> external = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                List<Long> drivers = List.of(900_000L + 2 * i, 900_001L + 2 * i);
                format.appendExternally(table(), drivers, T0.plusSeconds(60 + i));
                external.addAll(drivers);
                Thread.sleep(150);
            }
            CompletableFuture.allOf(pushers.toArray(CompletableFuture[]::new)).join();
            assertThat(failures).isEmpty();

            Map<Long, Integer> counts = new HashMap<>();
            for (Map<String, Object> row : format.readAll(table())) {
                counts.merge((Long) row.get("driver_id"), 1, Integer::sum);
            }
            for (int pusher = 0; pusher < 4; pusher++) {
                for (long driver = 10_000L * (pusher + 1); driver < 10_000L * (pusher + 1) + 1_000; driver++) {
                    assertThat(counts.get(driver)).as("driver %d", driver).isEqualTo(1);
                }
            }
            external.forEach(driver -> assertThat(counts.get(driver))
                    .as("external driver %d", driver)
                    .isEqualTo(1));
            assertThat(counts).hasSize(4_000 + external.size() + 2);
            long commits = format.commits(table()) - commitsBefore;
            assertThat(commits)
                    .as("commits for 4,000 pushes and 5 external commits")
                    .isLessThan(200);

            HttpProbe http = new HttpProbe(dataPlane.port());
            JsonNode online = http.post(
                            "/v1/features/online",
                            "{\"feature_view\": \"scores\", \"entities\": "
                                    + "[{\"driver_id\": 10000}, {\"driver_id\": 40999}]}")
                    .json();
            assertThat(online.at("/results/0/features/trips").asInt()).isEqualTo(0);
            assertThat(online.at("/results/1/features/trips").asInt()).isEqualTo(999);
        }
    }

    /** Pushes one row per driver, up to 64 in flight, as a stream job's sink would. */
    private static void pushAll(
            HttpClient client, URI push, long first, int count, ConcurrentLinkedQueue<String> failures) {
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (long driver = first; driver < first + count; driver++) {
            inFlight.acquireUninterruptibly();
            String body = "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [" + driver
                    + "], \"event_timestamp\": [\"2026-11-05T00:00:00Z\"], \"conv_rate\": [0.5], \"trips\": ["
                    + (driver - first) + "]}}";
            sent.add(client.sendAsync(
                            HttpRequest.newBuilder(push)
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        inFlight.release();
                        if (failure != null) {
                            failures.add(failure.toString());
                        } else if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    @ParameterizedTest
    @EnumSource(PushTables.class)
    void invalidPushesAreRefusedNamingColumnAndRowAndWriteNothing(PushTables format) throws Exception {
        try (DataPlane dataPlane = start(format, "50ms")) {
            HttpProbe http = new HttpProbe(dataPlane.port());
            long commits = format.commits(table());
            List<Path> files;
            try (Stream<Path> walk = Files.walk(table())) {
                files = walk.sorted().toList();
            }
            String ok = "\"event_timestamp\": [\"2026-11-05T00:00:00Z\", \"2026-11-05T00:00:00Z\"]";
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5, 6], " + ok
                            + ", \"speed\": [1, 2]}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'speed' is not a column");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {" + ok + "}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'driver_id' is missing");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5]}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'event_timestamp' is missing");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5, null], " + ok + "}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'driver_id', row 1: is null");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5, 6], " + ok
                            + ", \"trips\": [1, \"many\"]}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'trips', row 1: \"many\" is " + "not a int32");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5, 6], " + ok
                            + ", \"trips\": [1, 3000000000]}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'trips', row 1");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5, 6], "
                            + "\"event_timestamp\": [\"2026-11-05T00:00:00Z\", \"yesterday\"]}}",
                    ErrorCode.INVALID_PUSH,
                    "column 'event_timestamp', row 1: \"yesterday\" is not a timestamp");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5, 6], "
                            + "\"event_timestamp\": [\"2026-11-05T00:00:00Z\"]}}",
                    ErrorCode.INVALID_PUSH,
                    "every column needs a value for every row");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"nobody\", \"df\": {\"driver_id\": [5]}}",
                    ErrorCode.PUSH_SOURCE_NOT_FOUND,
                    "push source 'nobody'");
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"to\": \"redis\", \"df\": {}}",
                    ErrorCode.INVALID_FIELD,
                    "'to' must be online, offline or online_and_offline");
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 10_001; i++) {
                many.append(i == 0 ? "" : ",").append(i);
            }
            assertRefused(
                    http,
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [" + many + "]}}",
                    ErrorCode.PUSH_TOO_LARGE,
                    "at most 10000 rows");

            assertThat(format.commits(table())).isEqualTo(commits);
            try (Stream<Path> walk = Files.walk(table())) {
                assertThat(walk.sorted().toList()).as("no file was written").isEqualTo(files);
            }
            assertThat(format.readAll(table())).hasSize(2);
        }
    }

    private static void assertRefused(HttpProbe http, String body, ErrorCode code, String message) {
        DemoServer.Reply reply = http.post("/push", body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(code.httpStatus());
        assertThat(reply.json().at("/error/code").asText()).isEqualTo(code.name());
        assertThat(reply.json().at("/error/message").asText()).contains(message);
    }

    @org.junit.jupiter.api.Test
    void olderRowsNeverReplaceNewerOnesAndWriteToOnlineStoreNamesTheView() throws Exception {
        try (DataPlane dataPlane = start(PushTables.DELTA, "20ms")) {
            HttpProbe http = new HttpProbe(dataPlane.port());
            DemoServer.Reply older = http.post(
                    "/write-to-online-store",
                    "{\"feature_view_name\": \"scores\", \"df\": "
                            + "{\"driver_id\": [1], \"event_timestamp\": [\"2026-10-01T00:00:00Z\"], \"conv_rate\": [9.0]}}");
            assertThat(older.status()).as(older.text()).isEqualTo(200);
            assertThat(conv(http, 1))
                    .as("a row older than the one served does not replace it")
                    .isEqualTo(0.001);

            DemoServer.Reply newer = http.post(
                    "/write-to-online-store",
                    "{\"feature_view_name\": \"scores\", \"df\": "
                            + "{\"driver_id\": [1], \"event_timestamp\": [\"2026-11-01 00:00:01+00:00\"], \"conv_rate\": [3.0]}}");
            assertThat(newer.status()).as(newer.text()).isEqualTo(200);
            assertThat(conv(http, 1)).isEqualTo(3.0);

            // Same event time again: the created timestamp (the later receive time) breaks the tie.
            http.post(
                    "/push",
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [1], "
                            + "\"event_timestamp\": [\"2026-11-01T00:00:01Z\"], \"conv_rate\": [4.0]}}");
            assertThat(conv(http, 1)).isEqualTo(4.0);

            assertThat(http.post("/write-to-online-store", "{\"feature_view_name\": \"nope\", \"df\": {}}")
                            .json()
                            .at("/error/code")
                            .asText())
                    .isEqualTo(ErrorCode.PUSH_SOURCE_NOT_FOUND.name());
            JsonNode report = http.get("/v1/views/scores").json();
            assertThat(report.path("data_files").asLong()).isEqualTo(4);
            assertThat(report.path("small_files").asLong()).isEqualTo(4);
            assertThat(report.at("/push/source_name").asText()).isEqualTo("driver_stats_push");
            assertThat(report.at("/push/flush_interval_millis").asLong()).isEqualTo(20);
            String metrics =
                    new HttpProbe(dataPlane.managementPort()).get("/metrics").text();
            assertThat(metrics)
                    .contains("featureduck_push_rows_total{view=\"scores\"} 3.0")
                    .contains("featureduck_push_requests_total{view=\"scores\"} 3.0")
                    .contains("featureduck_push_commit_seconds_count{view=\"scores\"} 3");
        }
    }

    @org.junit.jupiter.api.Test
    void anAsynchronousAcknowledgementAnswersBeforeTheCommitWhichFollows() throws Exception {
        try (DataPlane dataPlane = start(PushTables.ICEBERG, "300ms")) {
            HttpProbe http = new HttpProbe(dataPlane.port());
            long before =
                    http.get("/v1/views/scores").json().path("table_version").asLong();
            DemoServer.Reply accepted = http.post(
                    "/push?ack=async",
                    "{\"push_source_name\": \"driver_stats_push\", "
                            + "\"df\": {\"driver_id\": [42], \"event_timestamp\": [\"2026-11-05T00:00:00Z\"], "
                            + "\"conv_rate\": [0.42]}}");
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            assertThat(accepted.json().path("status").asText()).isEqualTo("accepted");
            assertThat(http.get("/v1/views/scores").json().path("table_version").asLong())
                    .as("answered before the flush interval ended")
                    .isEqualTo(before);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> conv(http, 42) == 0.42);
            assertThat(http.post("/push?ack=later", "{\"push_source_name\": \"driver_stats_push\", \"df\": {}}")
                            .status())
                    .isEqualTo(400);
        }
    }

    private static double conv(HttpProbe http, long driver) {
        return http.post(
                        "/v1/features/online",
                        "{\"feature_view\": \"scores\", \"entities\": [{\"driver_id\": " + driver + "}]}")
                .json()
                .at("/results/0/features/conv_rate")
                .asDouble();
    }

    @org.junit.jupiter.api.Test
    void aPartitionedColumnMappedDeltaTableGetsAFilePerPartitionUnderPhysicalNames() throws Exception {
        Path table = table();
        io.delta.kernel.engine.Engine engine = io.delta.kernel.defaults.engine.DefaultEngine.create(
                io.featureduck.dataplane.source.TableSourceFactory.hadoopConfiguration());
        io.delta.kernel.TableManager.buildCreateTableTransaction(
                        table.toUri().toString(), PushTables.DELTA_SCHEMA, "test")
                .withTableProperties(Map.of("delta.columnMapping.mode", "name"))
                .withDataLayoutSpec(io.delta.kernel.transaction.DataLayoutSpec.partitioned(
                        List.of(new io.delta.kernel.expressions.Column("city"))))
                .build(engine)
                .commit(engine, io.delta.kernel.utils.CloseableIterable.emptyIterable());
        ServingConfig config =
                new ServingConfigLoader().load(ServingYaml.write(directory, "delta", VIEW.formatted("10ms")));
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            DemoServer.Reply pushed = http.post(
                    "/push",
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {"
                            + "\"driver_id\": [1, 2, 3], \"event_timestamp\": [\"2026-11-05T00:00:00Z\", "
                            + "\"2026-11-05T00:00:00Z\", \"2026-11-05T00:00:00Z\"], \"conv_rate\": [0.1, 0.2, 0.3], "
                            + "\"city\": [\"paris\", \"lyon\", \"paris\"]}}");
            assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
            assertThat(http.post(
                                    "/v1/features/online",
                                    "{\"feature_view\": \"scores\", \"entities\": " + "[{\"driver_id\": 2}]}")
                            .json()
                            .at("/results/0/features/city")
                            .asText())
                    .isEqualTo("lyon");
        }
        List<Map<String, Object>> rows = PushTables.DELTA.readAll(table);
        assertThat(rows)
                .extracting(r -> r.get("driver_id") + "@" + r.get("city") + "=" + r.get("conv_rate"))
                .containsExactlyInAnyOrder("1@paris=0.1", "2@lyon=0.2", "3@paris=0.3");
        // Our own read path (DeltaTableSource and DuckDB) agrees with Kernel's reader on what the pushes wrote.
        io.featureduck.dataplane.source.TableSnapshot snapshot =
                new io.featureduck.dataplane.source.DeltaTableSource(engine, table).latestSnapshot();
        assertThat(snapshot.dataFiles()).hasSize(2);
        assertThat(snapshot.column("conv_rate").orElseThrow().isRenamed())
                .as("column mapping in use")
                .isTrue();
        assertThat(io.featureduck.dataplane.SnapshotRows.read(snapshot, List.of(table)))
                .containsExactlyInAnyOrderElementsOf(rows);
    }

    @org.junit.jupiter.api.Test
    void onlyWriteTokensMayPushAndReadTokensStillRead() throws Exception {
        Path table = table();
        Files.createDirectories(table.getParent());
        PushTables.DELTA.create(table, List.of(1L), T0);
        Path readTokens = Files.writeString(directory.resolve("tokens"), "reader-token\n");
        Path writeTokens = Files.writeString(directory.resolve("write-tokens"), "# the stream job\nwriter-token\n");
        ServingConfig config =
                new ServingConfigLoader().load(ServingYaml.write(directory, "delta", VIEW.formatted("10ms")));
        try (DataPlane dataPlane = DataPlane.start(
                config,
                DataPlaneConfig.of(config)
                        .address("127.0.0.1", 0)
                        .authTokenFile(readTokens)
                        .authWriteTokenFile(writeTokens)
                        .build())) {
            dataPlane.initialLoad().join();
            String body = "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [5], "
                    + "\"event_timestamp\": [\"2026-11-05T00:00:00Z\"]}}";
            DemoServer.Reply anonymous = new HttpProbe(dataPlane.port()).post("/push", body);
            assertThat(anonymous.status()).isEqualTo(401);
            DemoServer.Reply reader = new HttpProbe(dataPlane.port(), "reader-token").post("/push", body);
            assertThat(reader.status()).as(reader.text()).isEqualTo(403);
            assertThat(reader.json().at("/error/message").asText())
                    .contains("bearer token #1")
                    .contains("writeTokenSecretName");
            assertThat(new HttpProbe(dataPlane.port(), "reader-token")
                            .post(
                                    "/v1/features/online",
                                    "{\"feature_view\": \"scores\", \"entities\": [{\"driver_id\": 1}]}")
                            .status())
                    .isEqualTo(200);
            DemoServer.Reply writer = new HttpProbe(dataPlane.port(), "writer-token").post("/push", body);
            assertThat(writer.status()).as(writer.text()).isEqualTo(200);
            assertThat(PushTables.DELTA.readAll(table)).hasSize(2);
        }
    }

    @org.junit.jupiter.api.Test
    void aSecondReplicaServesThePushesAtItsNextRefreshAndItsOwnPushesLandBesideThem() throws Exception {
        Path table = table();
        Files.createDirectories(table.getParent());
        PushTables.DELTA.create(table, List.of(1L), T0);
        ServingConfig config = new ServingConfigLoader()
                .load(ServingYaml.write(
                        directory,
                        "delta",
                        VIEW.formatted("20ms").replace("refreshInterval: 1h", "refreshInterval: 1s")));
        try (DataPlane first = DataPlane.start(
                        config,
                        DataPlaneConfig.of(config).address("127.0.0.1", 0).build());
                DataPlane second = DataPlane.start(
                        config,
                        DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            first.initialLoad().join();
            second.initialLoad().join();
            HttpClient client = HttpClient.newHttpClient();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> one = CompletableFuture.runAsync(() ->
                    pushAll(client, URI.create("http://127.0.0.1:" + first.port() + "/push"), 100_000, 300, failures));
            CompletableFuture<Void> two = CompletableFuture.runAsync(() ->
                    pushAll(client, URI.create("http://127.0.0.1:" + second.port() + "/push"), 200_000, 300, failures));
            CompletableFuture.allOf(one, two).join();
            assertThat(failures).isEmpty();
            Map<Long, Integer> counts = new HashMap<>();
            PushTables.DELTA.readAll(table).forEach(r -> counts.merge((Long) r.get("driver_id"), 1, Integer::sum));
            assertThat(counts)
                    .hasSize(601)
                    .allSatisfy((driver, count) -> assertThat(count).isEqualTo(1));

            HttpProbe other = new HttpProbe(second.port());
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> other.post(
                                    "/v1/features/online",
                                    "{\"feature_view\": \"scores\", \"entities\": [{\"driver_id\": " + "100299}]}")
                            .json()
                            .at("/results/0/status")
                            .asText()
                            .equals("PRESENT"));
        }
    }

    @org.junit.jupiter.api.Test
    void everyScalarTypeIsWrittenInTheTypeTheTableDeclares() throws Exception {
        Path table = table();
        io.delta.kernel.engine.Engine engine = io.delta.kernel.defaults.engine.DefaultEngine.create(
                io.featureduck.dataplane.source.TableSourceFactory.hadoopConfiguration());
        io.delta.kernel.types.StructType schema = new io.delta.kernel.types.StructType()
                .add("driver_id", io.delta.kernel.types.LongType.LONG)
                .add("event_timestamp", io.delta.kernel.types.TimestampType.TIMESTAMP)
                .add("tiny", io.delta.kernel.types.ByteType.BYTE)
                .add("small", io.delta.kernel.types.ShortType.SHORT)
                .add("whole", io.delta.kernel.types.IntegerType.INTEGER)
                .add("ratio", io.delta.kernel.types.FloatType.FLOAT)
                .add("amount", new io.delta.kernel.types.DecimalType(10, 2))
                .add("flag", io.delta.kernel.types.BooleanType.BOOLEAN)
                .add("day", io.delta.kernel.types.DateType.DATE)
                .add("local", io.delta.kernel.types.TimestampNTZType.TIMESTAMP_NTZ)
                .add("label", io.delta.kernel.types.StringType.STRING)
                .add("payload", io.delta.kernel.types.BinaryType.BINARY);
        io.delta.kernel.TableManager.buildCreateTableTransaction(table.toUri().toString(), schema, "test")
                .build(engine)
                .commit(engine, io.delta.kernel.utils.CloseableIterable.emptyIterable());
        ServingConfig config = new ServingConfigLoader().load(ServingYaml.write(directory, "delta", """
                source: {path: drivers, timestampColumn: event_timestamp}
                entities: [{name: driver_id, type: int64}]
                features: [{name: label, type: string}, {name: payload, type: bytes}, {name: day, type: date}]
                push: {enabled: true, flushInterval: 10ms}
                """));
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            DemoServer.Reply pushed = http.post(
                    "/write-to-online-store",
                    "{\"feature_view_name\": \"scores\", \"df\": {"
                            + "\"driver_id\": [1, 2], \"event_timestamp\": [\"2026-11-05T10:00:00.123456+02:00\", 1762340400.5],"
                            + " \"tiny\": [-128, 127], \"small\": [-32768, 7], \"whole\": [2147483647, null],"
                            + " \"ratio\": [0.5, -1.25], \"amount\": [12345678.91, \"-0.10\"], \"flag\": [true, false],"
                            + " \"day\": [\"2026-02-28\", null], \"local\": [\"2026-11-05 10:00:00\", \"2026-11-05T10:00:00Z\"],"
                            + " \"label\": [\"ünïcødé ✓\", \"\"], \"payload\": [\"AAEC/w==\", null]}}");
            assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
            JsonNode online = http.post(
                            "/v1/features/online",
                            "{\"feature_view\": \"scores\", \"entities\": " + "[{\"driver_id\": 1}]}")
                    .json();
            assertThat(online.at("/results/0/features/label").asText()).isEqualTo("ünïcødé ✓");
            assertThat(online.at("/results/0/features/payload").asText()).isEqualTo("AAEC/w==");
            assertThat(online.at("/results/0/features/day").asText()).isEqualTo("2026-02-28");
            assertThat(online.at("/results/0/event_timestamp").asText()).isEqualTo("2026-11-05T08:00:00.123456Z");

            DemoServer.Reply rounding = http.post(
                    "/write-to-online-store",
                    "{\"feature_view_name\": \"scores\", "
                            + "\"df\": {\"driver_id\": [3], \"event_timestamp\": [0], \"amount\": [0.125]}}");
            assertThat(rounding.json().at("/error/message").asText())
                    .as("no silent rounding")
                    .contains("column 'amount', row 0");
        }
        List<Map<String, Object>> rows = PushTables.DELTA.readAll(table);
        Map<String, Object> first = rows.stream()
                .filter(r -> Long.valueOf(1).equals(r.get("driver_id")))
                .findFirst()
                .orElseThrow();
        assertThat(first)
                .containsEntry("tiny", -128L)
                .containsEntry("small", -32768L)
                .containsEntry("whole", 2147483647L)
                .containsEntry("ratio", 0.5)
                .containsEntry("amount", 12345678.91)
                .containsEntry("flag", true)
                .containsEntry("day", java.time.LocalDate.parse("2026-02-28"))
                .containsEntry("local", ComparableValues.of(java.time.LocalDateTime.parse("2026-11-05T10:00:00")))
                .containsEntry("label", "ünïcødé ✓")
                .containsEntry("event_timestamp", ComparableValues.of(Instant.parse("2026-11-05T08:00:00.123456Z")));
        Map<String, Object> second = rows.stream()
                .filter(r -> Long.valueOf(2).equals(r.get("driver_id")))
                .findFirst()
                .orElseThrow();
        assertThat(second)
                .containsEntry("whole", null)
                .containsEntry("amount", -0.1)
                .containsEntry("label", "")
                .containsEntry("ratio", -1.25)
                .containsEntry("day", null)
                .containsEntry("event_timestamp", ComparableValues.of(Instant.parse("2025-11-05T11:00:00.5Z")))
                .containsEntry("local", ComparableValues.of(java.time.LocalDateTime.parse("2026-11-05T10:00:00")));
    }
    /**
     * In a Parquet directory where a file stands where a partition directory must go, a push to that partition fails
     * when its file is written, after it was checked: the push batched with it still commits.
     */
    @org.junit.jupiter.api.Test
    void aPushThatFailsAtItsCommitDoesNotFailThePushesBatchedWithIt() throws Exception {
        try (DataPlane dataPlane = start(PushTables.PARQUET, "500ms")) {
            Files.writeString(table().resolve("city=rome"), "a file, not a directory");
            HttpProbe http = new HttpProbe(dataPlane.port());
            CompletableFuture<DemoServer.Reply> blocked = CompletableFuture.supplyAsync(() -> http.post(
                    "/push",
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [51], "
                            + "\"event_timestamp\": [\"2026-11-05T00:00:00Z\"], \"city\": [\"rome\"]}}"));
            CompletableFuture<DemoServer.Reply> fine = CompletableFuture.supplyAsync(() -> http.post(
                    "/push",
                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {\"driver_id\": [52], "
                            + "\"event_timestamp\": [\"2026-11-05T00:00:00Z\"], \"city\": [\"lyon\"]}}"));
            assertThat(blocked.join().status()).as(blocked.join().text()).isEqualTo(503);
            assertThat(blocked.join().json().at("/error/code").asText()).isEqualTo("WRITE_FAILED");
            assertThat(fine.join().status()).as(fine.join().text()).isEqualTo(200);
            assertThat(PushTables.PARQUET.readAll(table()))
                    .extracting(r -> r.get("driver_id"))
                    .contains(52L)
                    .doesNotContain(51L);
        }
    }

    /**
     * Rows acknowledged with ?ack=async are retried while their commit fails for a reason that passes, and counted on
     * the view's report when every retry failed; they are never dropped unseen.
     */
    @org.junit.jupiter.api.Test
    void asynchronouslyAcknowledgedRowsAreRetriedAndCountedWhenTheyCannotBeWritten() throws Exception {
        try (DataPlane dataPlane = start(PushTables.PARQUET, "10ms")) {
            HttpProbe http = new HttpProbe(dataPlane.port());
            Path rome = Files.writeString(table().resolve("city=rome"), "in the way, for a while");
            assertThat(http.post(
                                    "/push?ack=async",
                                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {"
                                            + "\"driver_id\": [61], \"event_timestamp\": [\"2026-11-05T00:00:00Z\"], \"city\": [\"rome\"]}}")
                            .status())
                    .isEqualTo(202);
            Thread.sleep(800); // the first attempt and the first retry fail
            Files.delete(rome);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> "PRESENT"
                            .equals(http.post(
                                            "/v1/features/online",
                                            "{\"feature_view\": \"scores\", " + "\"entities\": [{\"driver_id\": 61}]}")
                                    .json()
                                    .at("/results/0/status")
                                    .asText()));

            Files.writeString(table().resolve("city=oslo"), "in the way for good");
            assertThat(http.post(
                                    "/push?ack=async",
                                    "{\"push_source_name\": \"driver_stats_push\", \"df\": {"
                                            + "\"driver_id\": [62, 63], \"event_timestamp\": [\"2026-11-05T00:00:00Z\", "
                                            + "\"2026-11-05T00:00:00Z\"], \"city\": [\"oslo\", \"oslo\"]}}")
                            .status())
                    .isEqualTo(202);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> http.get("/v1/views/scores")
                                    .json()
                                    .at("/push/unwritten_async_rows")
                                    .asLong()
                            == 2);
            JsonNode push = http.get("/v1/views/scores").json().path("push");
            assertThat(push.path("last_error").asText()).contains("cannot write the pushed rows");
            assertThat(push.path("last_error_at").asText()).isNotEmpty();
            assertThat(PushTables.PARQUET.readAll(table()))
                    .extracting(r -> r.get("driver_id"))
                    .contains(61L)
                    .doesNotContain(62L, 63L);
        }
    }

    @org.junit.jupiter.api.Test
    void fourSequentialPushersWithAsynchronousAcknowledgementLandEveryRowOnceInFewCommits() throws Exception {
        try (DataPlane dataPlane = start(PushTables.DELTA, "200ms")) {
            long commitsBefore = PushTables.DELTA.commits(table());
            List<CompletableFuture<Void>> pushers = new ArrayList<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            for (int pusher = 0; pusher < 4; pusher++) {
                long first = 10_000L * (pusher + 1);
                pushers.add(CompletableFuture.runAsync(() -> {
                    HttpProbe http = new HttpProbe(dataPlane.port());
                    // One request after another, each answered once its row is queued.
                    for (long driver = first; driver < first + 1_000; driver++) {
                        DemoServer.Reply reply = http.post(
                                "/push?ack=async",
                                "{\"push_source_name\": "
                                        + "\"driver_stats_push\", \"df\": {\"driver_id\": [" + driver + "], "
                                        + "\"event_timestamp\": [\"2026-11-05T00:00:00Z\"], \"trips\": ["
                                        + (driver - first)
                                        + "]}}");
                        if (reply.status() != 202) {
                            failures.add(reply.status() + " " + reply.text());
                        }
                    }
                }));
            }
            CompletableFuture.allOf(pushers.toArray(CompletableFuture[]::new)).join();
            assertThat(failures).isEmpty();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> PushTables.DELTA.readAll(table()).size() == 4_002);
            Map<Long, Integer> counts = new HashMap<>();
            PushTables.DELTA.readAll(table()).forEach(r -> counts.merge((Long) r.get("driver_id"), 1, Integer::sum));
            assertThat(counts)
                    .hasSize(4_002)
                    .allSatisfy((driver, count) -> assertThat(count).isEqualTo(1));
            assertThat(PushTables.DELTA.commits(table()) - commitsBefore)
                    .as("commits for 4,000 pushes")
                    .isLessThan(200);
        }
    }
}
