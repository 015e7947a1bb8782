package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.delta.kernel.TableManager;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.ComparableValues;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.KernelReferenceReader;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FeatureView pinned to a table version ({@code spec.source.version} or {@code asOf}) serves exactly that version,
 * online and historically, and keeps it while the table gets new commits; a pin to a version that does not exist
 * leaves the previous index serving and says why; removing the pin follows the table again. The expected values are
 * the pinned version read by the format's own reader (Delta Kernel, Iceberg's generic reader), not by our code.
 */
class TablePinTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<Long> IDS = List.of(1L, 2L, 3L);

    @TempDir
    Path directory;

    /** A table the test commits to, and reads back through the format's own library. */
    private interface VersionedTable {
        /** Commits rows of every id with event time T0 + {@code k} hours and score {@code k * 10 + id}. */
        void commit(int k) throws Exception;

        /** How {@code spec.source.version} names the {@code n}-th commit (from 1). */
        long pinOfCommit(int n);

        /** When the {@code n}-th commit was made. */
        Instant timeOfCommit(int n);

        /** The rows of the table version {@code spec.source.version: pin} names, read independently. */
        List<Map<String, Object>> rowsAt(long pin) throws Exception;
    }

    @Test
    void deltaTablesArePinnedByVersion() throws Exception {
        Path table = directory.resolve("lakehouse/scores");
        Engine engine = DefaultEngine.create(new Configuration());
        DeltaTableWriter writer = new DeltaTableWriter(engine, table);
        StructType schema = new StructType()
                .add("id", LongType.LONG, false)
                .add("ts", TimestampType.TIMESTAMP, false)
                .add("score", DoubleType.DOUBLE);
        scenario("delta", new VersionedTable() {
            @Override
            public void commit(int k) {
                try (DuckDbSession session = DuckDbSession.open(
                        DuckDbSettings.defaults(),
                        List.of(directory, DuckDbSettings.defaults().tempDirectory()))) {
                    writer.append(
                            session,
                            "SELECT range::BIGINT AS id, make_timestamp(" + micros(T0.plusSeconds(3600L * k))
                                    + ")::TIMESTAMPTZ AS ts, (" + k * 10
                                    + " + range)::DOUBLE AS score FROM range(1, 4)",
                            schema);
                }
            }

            @Override
            public long pinOfCommit(int n) {
                return n - 1;
            }

            @Override
            public Instant timeOfCommit(int n) {
                return Instant.ofEpochMilli(
                        TableManager.loadSnapshot(table.toUri().toString())
                                .atVersion(n - 1)
                                .build(engine)
                                .getTimestamp(engine));
            }

            @Override
            public List<Map<String, Object>> rowsAt(long pin) throws Exception {
                return KernelReferenceReader.readVersion(engine, table, pin);
            }
        });
    }

    @Test
    void icebergTablesArePinnedBySnapshotId() throws Exception {
        Path location = directory.resolve("lakehouse/scores");
        Schema schema = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.required(2, "ts", Types.TimestampType.withZone()),
                Types.NestedField.optional(3, "score", Types.DoubleType.get()));
        Table created = IcebergTestTables.create(location, schema, PartitionSpec.unpartitioned());
        List<Long> snapshots = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        scenario("iceberg", new VersionedTable() {
            @Override
            public void commit(int k) {
                Table table = new HadoopTables(TableSourceFactory.hadoopConfiguration()).load(location.toString());
                List<Record> rows = new ArrayList<>();
                for (long id : IDS) {
                    GenericRecord row = GenericRecord.create(schema);
                    row.setField("id", id);
                    row.setField("ts", OffsetDateTime.ofInstant(T0.plusSeconds(3600L * k), ZoneOffset.UTC));
                    row.setField("score", k * 10.0 + id);
                    rows.add(row);
                }
                table.newAppend()
                        .appendFile(IcebergTestTables.writeData(table, null, rows))
                        .commit();
                snapshots.add(table.currentSnapshot().snapshotId());
                times.add(Instant.ofEpochMilli(table.currentSnapshot().timestampMillis()));
            }

            @Override
            public long pinOfCommit(int n) {
                return snapshots.get(n - 1);
            }

            @Override
            public Instant timeOfCommit(int n) {
                return times.get(n - 1);
            }

            @Override
            public List<Map<String, Object>> rowsAt(long pin) throws Exception {
                Table table = new HadoopTables(TableSourceFactory.hadoopConfiguration()).load(location.toString());
                List<Map<String, Object>> rows = new ArrayList<>();
                try (CloseableIterable<Record> records =
                        IcebergGenerics.read(table).useSnapshot(pin).build()) {
                    for (Record record : records) {
                        Map<String, Object> row = new HashMap<>();
                        row.put("id", record.getField("id"));
                        row.put(
                                "ts",
                                new ComparableValues.Micros(
                                        micros(((OffsetDateTime) record.getField("ts")).toInstant())));
                        row.put("score", record.getField("score"));
                        rows.add(row);
                    }
                }
                return rows;
            }
        });
        assertThat(created.location()).isNotNull();
    }

    private void scenario(String format, VersionedTable table) throws Exception {
        for (int k = 1; k <= 3; k++) {
            table.commit(k);
            Thread.sleep(30); // commits a few milliseconds apart, so that asOf can tell them apart
        }
        Path file = ServingYaml.write(directory, format, view(""));
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
            assertThat(online(http)).containsExactly(31.0, 32.0, 33.0);

            long second = table.pinOfCommit(2);
            replace(file, format, "version: " + second);
            awaitPinned(http, "version " + second);
            assertThat(online(http))
                    .as("the pinned version, read by the format's own reader")
                    .isEqualTo(latestScores(table.rowsAt(second)))
                    .containsExactly(21.0, 22.0, 23.0);
            assertThat(historical(http, T0.plusSeconds(3600L * 10)))
                    .as("later times see the pinned version")
                    .isEqualTo(21.0);
            assertThat(historical(http, T0.plusSeconds(5400)))
                    .as("earlier times are point-in-time as before")
                    .isEqualTo(11.0);

            table.commit(4);
            long servedVersion = view(http).path("table_version").asLong();
            Thread.sleep(2500); // two refresh intervals: a view that followed its table would have moved on
            assertThat(view(http).path("table_version").asLong()).isEqualTo(servedVersion);
            assertThat(online(http)).containsExactly(21.0, 22.0, 23.0);

            replace(file, format, "version: 99");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> view(http).path("last_error").asText().contains("99"));
            JsonNode failing = view(http);
            assertThat(failing.path("degraded").asBoolean()).isTrue();
            assertThat(failing.path("pinned").asText())
                    .as("still serving the last good pin")
                    .isEqualTo("version " + second);
            assertThat(online(http)).as("the previous index keeps serving").containsExactly(21.0, 22.0, 23.0);

            Instant first = table.timeOfCommit(1);
            replace(file, format, "asOf: \"" + first + "\"");
            awaitPinned(http, "asOf " + first);
            assertThat(online(http))
                    .isEqualTo(latestScores(table.rowsAt(table.pinOfCommit(1))))
                    .containsExactly(11.0, 12.0, 13.0);

            // A time still to come names no version yet: refused by name, not pinned to today's latest.
            Instant future = Instant.now().plus(Duration.ofDays(365));
            replace(file, format, "asOf: \"" + future + "\"");
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            view(http).path("last_error").asText().contains("asOf " + future + " is in the future"));
            assertThat(view(http).path("pinned").asText()).isEqualTo("asOf " + first);
            assertThat(online(http)).containsExactly(11.0, 12.0, 13.0);

            replace(file, format, "");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> view(http).path("pinned").isNull()
                            && !view(http).path("reloading").asBoolean());
            assertThat(online(http)).as("following the table again").containsExactly(41.0, 42.0, 43.0);
        }
    }

    private static String view(String pin) {
        return """
                refreshInterval: 1s
                source: {path: scores, timestampColumn: ts%s}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                """.formatted(pin.isEmpty() ? "" : ", " + pin);
    }

    private void replace(Path file, String format, String pin) throws Exception {
        Path staged = ServingYaml.write(Files.createDirectories(directory.resolve("staged")), format, view(pin));
        Files.writeString(
                staged, Files.readString(staged).replace("root: lakehouse", "root: " + directory.resolve("lakehouse")));
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitPinned(HttpProbe http, String pin) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> pin.equals(view(http).path("pinned").asText())
                        && !view(http).path("reloading").asBoolean());
    }

    private static JsonNode view(HttpProbe http) {
        return http.get("/v1/views/scores").json();
    }

    private static List<Double> online(HttpProbe http) {
        DemoServer.Reply reply = http.post(
                "/get-online-features", "{\"features\": [\"scores:score\"], \"entities\": {\"id\": [1, 2, 3]}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        List<Double> scores = new ArrayList<>();
        reply.json().at("/results/1/values").forEach(v -> scores.add(v.asDouble()));
        return scores;
    }

    private static double historical(HttpProbe http, Instant at) {
        DemoServer.Reply reply = http.post(
                "/v1/features/historical",
                "{\"features\": [\"scores:score\"], " + "\"entity_rows\": [{\"id\": 1, \"event_timestamp\": \"" + at
                        + "\"}]}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().at("/rows/0/score").asDouble();
    }

    /** Each id's score in its row with the latest event time, ids 1, 2, 3 in order. */
    private static List<Double> latestScores(List<Map<String, Object>> rows) {
        List<Double> scores = new ArrayList<>();
        for (long id : IDS) {
            scores.add(rows.stream()
                    .filter(r -> ((Number) r.get("id")).longValue() == id)
                    .max(java.util.Comparator.comparingLong(r -> ((ComparableValues.Micros) r.get("ts")).value()))
                    .map(r -> ((Number) r.get("score")).doubleValue())
                    .orElseThrow());
        }
        return scores;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }
}
