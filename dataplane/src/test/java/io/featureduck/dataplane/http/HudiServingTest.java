package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.TableCopies;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.duckdb.Sql;
import io.featureduck.dataplane.source.HudiReferenceTimeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hudi table written by Spark (Hudi 1.1, table version 9), served over HTTP while its commits arrive one by one: the
 * test copies the table with its timeline cut short and publishes the remaining instants as a writer would complete
 * them. Files of instants not yet completed are already there and must not be served. Every answer is checked
 * against the files the test's own timeline reading selects, read by DuckDB.
 */
class HudiServingTest {
    private static final String TABLE = "cow/v9_txns_simple_meta";
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
    private static final List<String> IDS = List.of(
            "TXN-001", "TXN-002", "TXN-005", "TXN-007", "TXN-009", "TXN-011", "TXN-013", "TXN-015", "TXN-017",
            "TXN-018");

    @TempDir
    Path directory;

    @Test
    void servesEachCompletedInstantRefreshesAsCommitsArriveAndPinsAnInstant() throws Exception {
        Path original = SharedTestData.hudi(TABLE);
        List<HudiReferenceTimeline.Instant> instants = new HudiReferenceTimeline(original).completed();
        assertThat(instants).hasSize(12);
        Path table = directory.resolve("lakehouse/txns");
        copyWithTimelineUpTo(original, table, instants.get(7).time());

        Path file = writeConfig("");
        ServingConfig config = new ServingConfigLoader().load(file);
        try (DataPlane dataPlane = DataPlane.start(
                config,
                DataPlaneConfig.of(config)
                        .address("127.0.0.1", 0)
                        .configReloadInterval(Duration.ofMillis(100))
                        .build())) {
            dataPlane.initialLoad().join();
            dataPlane.watch(file, new ServingConfigLoader());
            HttpProbe http = new HttpProbe(dataPlane.port());
            HttpProbe management = new HttpProbe(dataPlane.managementPort());

            // After the insert overwrite of eu: TXN-009 is gone, TXN-011 there; TXN-013 is written but not committed.
            assertServedAsOf(http, table, instants.get(7).time());
            assertThat(online(http).get("TXN-011")).isEqualTo("debit");
            assertThat(online(http)).doesNotContainKeys("TXN-009", "TXN-013");

            // The next commit only adds a file group: merged into the index without a rebuild.
            publish(original, table, instants.get(8).time());
            awaitVersion(http, instants.get(8).time());
            assertServedAsOf(http, table, instants.get(8).time());
            assertThat(online(http)).containsKey("TXN-013");
            assertThat(loads(management, "incremental")).isEqualTo(1);

            // Clustering replaces file groups: a rebuild.
            double fullLoads = loads(management, "full");
            publish(original, table, instants.get(11).time());
            awaitVersion(http, instants.get(11).time());
            assertServedAsOf(http, table, instants.get(11).time());
            assertThat(loads(management, "full")).isGreaterThan(fullLoads);
            assertThat(online(http)).containsKeys("TXN-017", "TXN-018").doesNotContainKey("TXN-002");

            // Pinned to the second instant: TXN-001 already updated, TXN-002 not yet deleted.
            String second = instants.get(1).time();
            Files.move(
                    writeConfig(", version: " + second),
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ("version " + second)
                            .equals(http.get("/v1/views/txns")
                                    .json()
                                    .path("pinned")
                                    .asText()));
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            !http.get("/v1/views/txns").json().path("reloading").asBoolean());
            assertServedAsOf(http, table, second);
            assertThat(online(http)).containsEntry("TXN-001", "reversal").containsEntry("TXN-002", "debit");
        }
    }

    @Test
    void aCorruptCommitLeavesTheLastGoodVersionServingUntilItIsRepaired() throws Exception {
        Path original = SharedTestData.hudi(TABLE);
        List<HudiReferenceTimeline.Instant> instants = new HudiReferenceTimeline(original).completed();
        Path table = directory.resolve("lakehouse/txns");
        copyWithTimelineUpTo(original, table, instants.get(7).time());
        Path file = writeConfig("");
        ServingConfig config = new ServingConfigLoader().load(file);
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            Map<String, Object> good = online(http);

            // The ninth instant completes, but its commit metadata is cut short, as a failed copy might leave it.
            publish(original, table, instants.get(8).time());
            Path commit = table.resolve(
                    original.relativize(instants.get(8).metadata()).toString());
            byte[] whole = Files.readAllBytes(commit);
            Files.write(commit, java.util.Arrays.copyOf(whole, whole.length / 3));
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            http.get("/v1/views/txns").json().path("degraded").asBoolean());
            JsonNode view = http.get("/v1/views/txns").json();
            assertThat(view.path("last_error").asText()).contains("Hudi table");
            assertThat(view.path("table_version").asLong())
                    .isEqualTo(Long.parseLong(instants.get(7).time()));
            assertThat(online(http)).as("the last good version keeps serving").isEqualTo(good);

            Files.write(commit, whole);
            awaitVersion(http, instants.get(8).time());
            assertThat(http.get("/v1/views/txns").json().path("degraded").asBoolean())
                    .isFalse();
            assertServedAsOf(http, table, instants.get(8).time());
        }
    }

    @Test
    void historicalRetrievalOfASnapshotViewReadsTheInstantCompletedByEachTime() throws Exception {
        Path table = SharedTestData.hudi(TABLE);
        List<HudiReferenceTimeline.Instant> instants = new HudiReferenceTimeline(table).completed();
        Path file = writeSnapshotConfig(table);
        ServingConfig config = new ServingConfigLoader().load(file);
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            for (int i : List.of(1, 2, 7, 11)) {
                // Layout 2: an instant is part of the table from when it completed.
                Instant completed = instantTime(instants.get(i).completed());
                Map<String, Object> expected = reference(table, instants.get(i).time());
                Map<String, Object> before =
                        reference(table, instants.get(i - 1).time());
                assertThat(expected)
                        .as("instant %d changes what the ids hold", i + 1)
                        .isNotEqualTo(before);
                assertThat(historical(http, completed))
                        .as("as of instant %d", i + 1)
                        .isEqualTo(expected);
                assertThat(historical(http, completed.minusMillis(1)))
                        .as("just before instant %d", i + 1)
                        .isEqualTo(before);
            }
            // One request whose rows span every instant: TXN-002 as the second instant left it (deleted by the
            // third), TXN-001 as the last one left it, TXN-013 before and after it was inserted.
            Instant second = instantTime(instants.get(1).completed());
            Instant last = instantTime(instants.get(11).completed());
            Instant beforeInsert = instantTime(instants.get(8).completed()).minusMillis(1);
            DemoServer.Reply reply = http.post(
                    "/v1/features/historical",
                    "{\"features\": [\"txns:txn_type\"], "
                            + "\"entity_rows\": [{\"txn_id\": \"TXN-002\", \"event_timestamp\": \"" + second + "\"}, "
                            + "{\"txn_id\": \"TXN-001\", \"event_timestamp\": \"" + last + "\"}, "
                            + "{\"txn_id\": \"TXN-013\", \"event_timestamp\": \"" + beforeInsert + "\"}, "
                            + "{\"txn_id\": \"TXN-013\", \"event_timestamp\": \"" + last + "\"}]}");
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            assertThat(reply.json().at("/rows/0/txn_type").asText()).isEqualTo("debit");
            assertThat(reply.json().at("/rows/1/txn_type").asText()).isEqualTo("reversal");
            assertThat(reply.json().at("/rows/2/txn_type").isNull()).isTrue();
            assertThat(reply.json().at("/rows/3/txn_type").asText()).isEqualTo("debit");
        }
    }

    @Test
    void theHudiExampleServesASparkWrittenTable() throws Exception {
        Path example = Files.createDirectories(directory.resolve("example"));
        Files.copy(
                SharedTestData.projectRoot().resolve("examples/hudi/feature-store.yaml"),
                example.resolve("feature-store.yaml"));
        copyWithTimelineUpTo(
                SharedTestData.hudi(TABLE), example.resolve("lakehouse/transactions"), "99999999999999999");
        ServingConfig config = new ServingConfigLoader().load(example.resolve("feature-store.yaml"));
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            JsonNode results = new HttpProbe(dataPlane.port())
                    .post(
                            "/v1/features/online",
                            "{\"feature_view\": "
                                    + "\"transactions\", \"entities\": [{\"txn_id\": \"TXN-007\"}, {\"txn_id\": \"TXN-002\"}]}")
                    .json()
                    .get("results");
            JsonNode features = results.get(0).get("features");
            assertThat(results.get(0).get("status").asText()).isEqualTo("PRESENT");
            assertThat(features.get("amount").asDouble()).isEqualTo(8900.0);
            assertThat(features.get("fee_amount").asDouble())
                    .as("updated by the table's sixth commit")
                    .isEqualTo(75.0);
            assertThat(features.get("fee_ratio").asDouble()).isCloseTo(75.0 / 8900.0, within(1e-12));
            assertThat(features.get("is_international").asBoolean()).isTrue();
            assertThat(features.get("currency").asText()).isEqualTo("USD");
            assertThat(results.get(1).get("status").asText())
                    .as("deleted by the third commit")
                    .isEqualTo("NOT_FOUND");
        }
    }

    @Test
    void aMergeOnReadTableWithLogFilesIsRefusedWithWhatToDoWhileTheStoresOtherViewsServe() throws Exception {
        Path file = directory.resolve("mixed.yaml");
        Files.writeString(file, store(SharedTestData.hudi("cow").getParent(), """
                name: trips
                source: {path: trips-mor-avro-logs/v6_trips_8i1u}
                entities: [{name: uuid, type: string}]
                features: [{name: fare, type: float64}]
                """, """
                name: txns
                source: {path: %s}
                entities: [{name: txn_id, type: string}]
                features: [{name: txn_type, type: string}]
                """.formatted(TABLE)));
        ServingConfig config = new ServingConfigLoader().load(file);
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            JsonNode trips = http.get("/v1/views/trips").json();
            assertThat(trips.path("state").asText()).isEqualTo("FAILED");
            assertThat(trips.path("last_error").asText()).contains("merge-on-read", "1 log file", "Compact the table");
            DemoServer.Reply refused = http.post(
                    "/v1/features/online", "{\"feature_view\": \"trips\", \"entities\": [{\"uuid\": \"x\"}]}");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().at("/error/message").asText()).contains("merge-on-read");
            assertThat(online(http)).containsEntry("TXN-001", "reversal");
        }
    }

    private Path writeConfig(String pin) throws Exception {
        Path staged = Files.createDirectories(directory.resolve("staged")).resolve("store.yaml");
        Files.writeString(staged, store(directory.resolve("lakehouse"), """
                name: txns
                refreshInterval: 1s
                source: {path: txns, timestampColumn: txn_datetime%s}
                entities: [{name: txn_id, type: string}]
                features: [{name: txn_type, type: string}, {name: fee_amount, type: float64}]
                """.formatted(pin)));
        Path file = directory.resolve("store.yaml");
        if (!Files.exists(file)) {
            Files.copy(staged, file);
            return file;
        }
        return staged;
    }

    private Path writeSnapshotConfig(Path table) throws Exception {
        Path file = directory.resolve("snapshot.yaml");
        Files.writeString(file, store(table.getParent(), """
                name: txns
                source: {path: %s}
                entities: [{name: txn_id, type: string}]
                features: [{name: txn_type, type: string}]
                """.formatted(table.getFileName())));
        return file;
    }

    /**
     * A Hudi store {@code lake} over {@code root} and its views, each given as {@code name: ...} followed by the rest
     * of its spec.
     */
    private static String store(Path root, String... views) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: lake}
                spec:
                  lakehouse: {format: hudi, root: %s}
                  dataPlane: {auth: {type: none}}
                """.formatted(root));
        for (String view : views) {
            String name = view.lines().findFirst().orElseThrow().substring("name: ".length());
            String spec = view.lines().skip(1).map(l -> "  " + l).collect(Collectors.joining("\n"));
            yaml.append("---\napiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: ")
                    .append(name)
                    .append("}\nspec:\n  store: lake\n")
                    .append(spec)
                    .append('\n');
        }
        return yaml.toString();
    }

    /** Every file of the table, with only the timeline's instants up to {@code last}. */
    private static void copyWithTimelineUpTo(Path from, Path to, String last) throws Exception {
        TableCopies.copy(from, to, file -> !isTimelineFileAfter(from, file, last));
    }

    /** Completes the instants up to {@code last}: requested and inflight files first, the completed one last. */
    private static void publish(Path from, Path to, String last) throws Exception {
        Path timeline = from.resolve(".hoodie/timeline");
        List<Path> pending;
        try (Stream<Path> files = Files.list(timeline)) {
            pending = files.filter(
                            f -> !Files.exists(to.resolve(from.relativize(f).toString())))
                    .filter(f -> f.getFileName().toString().substring(0, 17).compareTo(last) <= 0)
                    .sorted(java.util.Comparator.comparing(
                                    (Path f) -> f.getFileName().toString().contains("_"))
                            .thenComparing(f -> f.getFileName().toString()))
                    .toList();
        }
        for (Path source : pending) {
            Path target = to.resolve(from.relativize(source).toString());
            Path staged = target.resolveSibling(".staged-" + target.getFileName());
            Files.copy(source, staged);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static boolean isTimelineFileAfter(Path table, Path file, String last) {
        Path relative = table.relativize(file);
        if (!relative.startsWith(".hoodie/timeline") || relative.getNameCount() != 3) {
            return false;
        }
        String name = file.getFileName().toString();
        return name.length() >= 17
                && name.substring(0, 17).chars().allMatch(Character::isDigit)
                && name.substring(0, 17).compareTo(last) > 0;
    }

    private static void awaitVersion(HttpProbe http, String instant) {
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        http.get("/v1/views/txns").json().path("table_version").asLong() == Long.parseLong(instant));
    }

    /** The served txn_type of every id in {@link #IDS} that has one, as the online API answers. */
    private static Map<String, Object> online(HttpProbe http) {
        String ids = IDS.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(", "));
        DemoServer.Reply reply = http.post(
                "/get-online-features?status=true",
                "{\"features\": [\"txns:txn_type\"], \"entities\": {\"txn_id\": [" + ids + "]}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Map<String, Object> served = new HashMap<>();
        for (int i = 0; i < IDS.size(); i++) {
            if (reply.json().at("/results/1/statuses/" + i).asText().equals("PRESENT")) {
                served.put(IDS.get(i), reply.json().at("/results/1/values/" + i).asText());
            }
        }
        return served;
    }

    private static void assertServedAsOf(HttpProbe http, Path table, String instant) throws Exception {
        assertThat(online(http)).as("served as of %s", instant).isEqualTo(reference(table, instant));
    }

    /** txn_type by txn_id of the ids in {@link #IDS}, from the files the reference timeline selects as of {@code instant}. */
    private static Map<String, Object> reference(Path table, String instant) throws Exception {
        List<Path> files = new HudiReferenceTimeline(table).asOf(instant).baseFiles();
        Map<String, Object> rows = new HashMap<>();
        for (Map<String, Object> row : SnapshotRows.query(
                List.of(table),
                "SELECT txn_id, txn_type FROM read_parquet(["
                        + files.stream()
                                .map(f -> Sql.stringLiteral(f.toString()))
                                .collect(Collectors.joining(", "))
                        + "], union_by_name = true, hive_partitioning = false)")) {
            if (IDS.contains((String) row.get("txn_id"))) {
                rows.put((String) row.get("txn_id"), row.get("txn_type"));
            }
        }
        return rows;
    }

    /** txn_type of every id in {@link #IDS} that had one at {@code time}, by historical retrieval. */
    private static Map<String, Object> historical(HttpProbe http, Instant time) {
        String rows = IDS.stream()
                .map(id -> "{\"txn_id\": \"" + id + "\", \"event_timestamp\": \"" + time + "\"}")
                .collect(Collectors.joining(", "));
        DemoServer.Reply reply = http.post(
                "/v1/features/historical", "{\"features\": [\"txns:txn_type\"], \"entity_rows\": [" + rows + "]}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Map<String, Object> values = new HashMap<>();
        for (JsonNode row : reply.json().path("rows")) {
            if (!row.path("txn_type").isNull() && !row.path("txn_type").isMissingNode()) {
                values.put(row.path("txn_id").asText(), row.path("txn_type").asText());
            }
        }
        return values;
    }

    private static double loads(HttpProbe management, String kind) {
        String name = "featureduck_view_load_seconds_count{kind=\"" + kind + "\",outcome=\"success\",view=\"txns\"}";
        return management
                .get("/metrics")
                .text()
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
                .findFirst()
                .orElse(0);
    }

    private static Instant instantTime(String time) {
        return LocalDateTime.parse(time, INSTANT).toInstant(ZoneOffset.UTC);
    }
}
