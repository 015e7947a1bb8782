package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.types.StructType;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.storage.S3TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.io.output.TeeOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo lakehouse uploaded to a real S3 protocol server and served from there over HTTP: the same answers as from
 * local disk, a store that goes away under load costs no lookup and shows as degraded, and it recovers by itself.
 */
class ObjectStoreServingTest {
    private static final int DRIVERS = 300;
    private static final String BUCKET = "lake";

    @TempDir
    Path directory;

    private Path writeDemo() {
        return new DemoLakehouse(DRIVERS, 4).write(directory.resolve("local"), Instant.now());
    }

    /** The demo's configuration with its root on S3, refreshed every second. */
    private ServingConfig s3Config(S3TestServer server) throws Exception {
        String yaml = Files.readString(directory.resolve("local").resolve(DemoLakehouse.CONFIG_FILE))
                .replaceFirst(
                        "root: lakehouse[^\\n]*",
                        "root: s3://" + BUCKET + "/demo\n    objectStores:\n" + "      s3: {endpoint: '"
                                + server.endpoint() + "', region: us-east-1, pathStyleAccess: true}")
                .replace("refreshInterval: 1m", "refreshInterval: 1s");
        Path file = directory.resolve("s3-store.yaml");
        Files.writeString(file, yaml);
        return new ServingConfigLoader().load(file);
    }

    private DataPlaneConfig settings(ServingConfig config, String cacheName) {
        return DataPlaneConfig.of(config)
                .address("127.0.0.1", 0)
                .fileCache(directory.resolve(cacheName), 1L << 30)
                .environment(S3TestServer.credentials())
                .build();
    }

    @Test
    void servesTheSameFeaturesFromS3AsFromLocalDisk() throws Exception {
        Path localFile = writeDemo();
        try (S3TestServer server = S3TestServer.start(Files.createDirectories(directory.resolve("s3")))) {
            server.createBucket(BUCKET);
            server.upload(directory.resolve("local/lakehouse"), BUCKET, "demo");
            ServingConfig local = new ServingConfigLoader().load(localFile);
            try (DataPlane fromDisk = DataPlane.start(
                            local,
                            DataPlaneConfig.of(local).address("127.0.0.1", 0).build());
                    DataPlane fromS3 = DataPlane.start(s3Config(server), settings(local, "cache"))) {
                fromDisk.initialLoad().join();
                fromS3.initialLoad().join();
                HttpProbe disk = new HttpProbe(fromDisk.port());
                HttpProbe s3 = new HttpProbe(fromS3.port());
                HttpProbe s3Management = new HttpProbe(fromS3.managementPort());
                assertThat(s3Management.get("/ready").status()).isEqualTo(200);
                StringBuilder entities = new StringBuilder();
                for (long id = DemoLakehouse.FIRST_DRIVER - 2; id < DemoLakehouse.FIRST_DRIVER + DRIVERS + 2; id++) {
                    entities.append(entities.length() == 0 ? "" : ", ")
                            .append("{\"driver_id\": ")
                            .append(id)
                            .append('}');
                }
                for (String view : List.of("driver-stats", "driver-profile")) {
                    String body = "{\"feature_view\": \"" + view + "\", \"entities\": [" + entities + "]}";
                    JsonNode expected =
                            withoutTimes(disk.post("/v1/features/online", body).json(), view);
                    JsonNode actual =
                            withoutTimes(s3.post("/v1/features/online", body).json(), view);
                    assertThat(actual).isEqualTo(expected);
                }
                JsonNode views = s3.get("/v1/views").json();
                assertThat(views.get("views").get(0).get("source").get("path").asText())
                        .isEqualTo("s3://" + BUCKET + "/demo/driver_hourly_stats");
                // Historical retrieval reads the same files from the cache.
                String historical = "{\"features\": [\"driver-stats:conv_rate\", \"driver-stats:trips_per_hour\"], "
                        + "\"entity_rows\": [{\"driver_id\": 1010, \"event_timestamp\": \""
                        + Instant.now().minus(30, ChronoUnit.HOURS) + "\"}, {\"driver_id\": 1200, "
                        + "\"event_timestamp\": \"" + Instant.now() + "\"}]}";
                assertThat(s3.post("/v1/features/historical", historical).text())
                        .isEqualTo(
                                disk.post("/v1/features/historical", historical).text());
                // The online loads fetched every file; the historical query found them in the cache.
                String metrics = s3Management.get("/metrics").text();
                assertThat(metric(metrics, "featureduck_file_cache_fetched_bytes_total"))
                        .isPositive();
                assertThat(metric(metrics, "featureduck_file_cache_requests_total{result=\"hit\"}"))
                        .isPositive();
                assertThat(metric(metrics, "featureduck_file_cache_fetch_seconds_count"))
                        .isPositive();
            }
        }
    }

    @Test
    void anObjectStoreThatGoesAwayUnderLoadCostsNoLookupAndTheViewRecoversByItself() throws Exception {
        writeDemo();
        Path lakehouse = directory.resolve("local/lakehouse");
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        try (S3TestServer server = S3TestServer.start(Files.createDirectories(directory.resolve("s3")))) {
            server.createBucket(BUCKET);
            server.upload(lakehouse, BUCKET, "demo");
            ServingConfig config = s3Config(server);
            System.setErr(new PrintStream(new TeeOutputStream(originalErr, logs), true, StandardCharsets.UTF_8));
            try (DataPlane dataPlane = DataPlane.start(config, settings(config, "cache"))) {
                dataPlane.initialLoad().join();
                HttpProbe http = new HttpProbe(dataPlane.port());
                HttpProbe httpManagement = new HttpProbe(dataPlane.managementPort());
                long servedVersion = version(http);
                AtomicBoolean reading = new AtomicBoolean(true);
                AtomicLong lookups = new AtomicLong();
                List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                ExecutorService readers = Executors.newFixedThreadPool(2);
                List<Future<?>> running = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    Random random = new Random(r);
                    running.add(readers.submit(() -> {
                        while (reading.get()) {
                            long id = DemoLakehouse.FIRST_DRIVER
                                    + DemoLakehouse.INACTIVE_DRIVERS
                                    + random.nextInt(DRIVERS - DemoLakehouse.INACTIVE_DRIVERS);
                            DemoServer.Reply reply = http.post(
                                    "/v1/features/online",
                                    "{\"feature_view\": " + "\"driver-stats\", \"entities\": [{\"driver_id\": " + id
                                            + "}]}");
                            lookups.incrementAndGet();
                            if (reply.status() != 200
                                    || !reply.json()
                                            .get("results")
                                            .get(0)
                                            .get("status")
                                            .asText()
                                            .equals("PRESENT")) {
                                failures.add(reply.status() + ": " + reply.text());
                            }
                        }
                    }));
                }
                // A new commit lands, and the store goes away while the data plane picks it up.
                List<String> before = relativeFiles(lakehouse.resolve("driver_hourly_stats"));
                appendHour(lakehouse.resolve("driver_hourly_stats"));
                server.uploadNew(lakehouse.resolve("driver_hourly_stats"), BUCKET, "demo/driver_hourly_stats", before);
                server.stopProxy();

                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode view = view(http);
                    return view.get("degraded").asBoolean()
                            && view.get("last_error").asText().contains("object store unreachable");
                });
                JsonNode degraded = view(http);
                assertThat(degraded.get("last_error").asText())
                        .contains("s3://" + BUCKET + "/demo/driver_hourly_stats");
                assertThat(degraded.get("consecutive_failures").asInt()).isPositive();
                assertThat(degraded.get("next_retry_at").isNull()).isFalse();
                assertThat(http.get("/v1/views").text()).doesNotContain(S3TestServer.SECRET_KEY);
                assertThat(httpManagement.get("/metrics").text()).doesNotContain(S3TestServer.SECRET_KEY);
                assertThat(httpManagement.get("/ready").status()).isEqualTo(200);
                long during = lookups.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> lookups.get() > during + 200);

                server.startProxy();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    JsonNode view = view(http);
                    return !view.get("degraded").asBoolean()
                            && view.get("table_version").asLong() > servedVersion;
                });
                reading.set(false);
                for (Future<?> reader : running) {
                    reader.get();
                }
                readers.shutdown();
                assertThat(failures).isEmpty();
                assertThat(lookups.get()).isGreaterThan(during + 200);
                assertThat(view(http).get("last_error").isNull()).isTrue();
            } finally {
                System.setErr(originalErr);
            }
        }
        assertThat(logs.toString(StandardCharsets.UTF_8))
                .contains("object store unreachable")
                .doesNotContain(S3TestServer.SECRET_KEY);
    }

    @Test
    void aPodThatCannotReachTheStoreAtStartStaysUnreadyWithTheReasonAndBecomesReadyWhenItCan() throws Exception {
        writeDemo();
        try (S3TestServer server = S3TestServer.start(Files.createDirectories(directory.resolve("s3")))) {
            server.createBucket(BUCKET);
            server.upload(directory.resolve("local/lakehouse"), BUCKET, "demo");
            ServingConfig config = s3Config(server);
            server.stopProxy();
            try (DataPlane dataPlane = DataPlane.start(config, settings(config, "cache"))) {
                dataPlane.initialLoad().join();
                HttpProbe http = new HttpProbe(dataPlane.port());
                HttpProbe httpManagement = new HttpProbe(dataPlane.managementPort());
                assertThat(httpManagement.get("/ready").status()).isEqualTo(503);
                // Between its retries the view is FAILED; during one (the first comes a second later, possibly
                // before the other views' first loads have failed) it is LOADING again.
                JsonNode view = await().atMost(Duration.ofSeconds(30))
                        .until(() -> view(http), v -> v.get("state").asText().equals("FAILED"));
                assertThat(view.get("state").asText()).isEqualTo("FAILED");
                assertThat(view.get("last_error").asText())
                        .contains("object store unreachable")
                        .contains(server.endpoint());

                server.startProxy();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> httpManagement.get("/ready").status() == 200);
                // Ready once a view serves; this one recovers on its next retry.
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> view(http).get("last_error").isNull());
            }
        }
    }

    private static double metric(String prometheus, String name) {
        return prometheus
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing from /metrics"));
    }

    private static long version(HttpProbe http) {
        return view(http).get("table_version").asLong();
    }

    private static JsonNode view(HttpProbe http) {
        return http.get("/v1/views").json().get("views").get(0);
    }

    /** One more hour of rows for every driver, committed to the local copy of the table. */
    private static void appendHour(Path table) {
        StructType schema = DemoLakehouse.driverStatsSchema();
        long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).getEpochSecond() * 1_000_000L;
        DuckDbSettings settings = DuckDbSettings.defaults();
        try (DuckDbSession session =
                DuckDbSession.open(settings, List.of(table.getParent(), settings.tempDirectory()))) {
            new DeltaTableWriter(DefaultEngine.create(new Configuration()), table)
                    .append(
                            session,
                            "SELECT range::BIGINT AS driver_id, make_timestamp(" + now
                                    + "::BIGINT)::TIMESTAMPTZ AS event_timestamp,"
                                    + " make_timestamp(" + now
                                    + "::BIGINT)::TIMESTAMPTZ AS created, 0.5::FLOAT AS conv_rate,"
                                    + " 0.5::FLOAT AS acc_rate, 7::BIGINT AS avg_daily_trips FROM range("
                                    + DemoLakehouse.FIRST_DRIVER + ", " + (DemoLakehouse.FIRST_DRIVER + DRIVERS) + ")",
                            schema);
        }
    }

    private static List<String> relativeFiles(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString())
                    .toList();
        }
    }

    /**
     * A response without what says when data was committed or read: a Delta commit's time is its log file's
     * modification time, which on S3 is when it was uploaded, and a snapshot view's rows take their time from it.
     */
    private static JsonNode withoutTimes(JsonNode response, String view) {
        ObjectNode copy = response.deepCopy();
        for (String field : List.of("data_age_seconds", "table_committed_at", "served_at")) {
            copy.remove(field);
        }
        if (view.equals("driver-profile")) {
            copy.get("results").forEach(result -> ((ObjectNode) result).remove("event_timestamp"));
        }
        return copy;
    }
}
