package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookups run flat out over HTTP while the table behind the view receives appends, equality deletes and a full
 * overwrite, refreshed every 100 ms: no lookup may fail, and every response must equal, entity by entity, the table
 * version it names, never a mix of two versions. The writer keeps its own model of every version to check against.
 */
class LiveRefreshLoadTest {
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.required(2, "ts", Types.TimestampType.withZone()),
            Types.NestedField.optional(3, "value", Types.DoubleType.get()));
    private static final int KEYS = 2_000;
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);

    @TempDir
    Path directory;

    @Test
    void lookupsNeverFailNorMixVersionsWhileTheTableChanges() throws Exception {
        Table table =
                IcebergTestTables.create(directory.resolve("lakehouse/scores"), SCHEMA, PartitionSpec.unpartitioned());
        Map<Long, Map<Long, Double>> versions = new ConcurrentHashMap<>();
        Map<Long, Double> state = new HashMap<>();
        Map<Long, Instant> eventTimes = new HashMap<>();
        List<Record> first = new ArrayList<>();
        for (long id = 0; id < KEYS; id++) {
            first.add(row(id, T0, value(1, id)));
            state.put(id, value(1, id));
            eventTimes.put(id, T0);
        }
        table.newAppend()
                .appendFile(IcebergTestTables.writeData(table, null, first))
                .commit();
        versions.put(table.currentSnapshot().sequenceNumber(), Map.copyOf(state));

        Path file = ServingYaml.write(directory, "iceberg", """
                source: {path: scores, timestampColumn: ts}
                entities: [{name: id, type: int64}]
                features: [{name: value, type: float64}]
                refreshInterval: 1s
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        AtomicLong lookups = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        Map<Long, Long> versionsSeen = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService readers = Executors.newFixedThreadPool(2);
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                long seed = r;
                running.add(readers.submit(() -> {
                    Random random = new Random(seed);
                    while (writing.get()) {
                        List<Long> keys = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"feature_view\": \"scores\", \"entities\": [");
                        for (int i = 0; i < 20; i++) {
                            long key = random.nextInt(KEYS + 200);
                            keys.add(key);
                            body.append(i == 0 ? "" : ", ")
                                    .append("{\"id\": ")
                                    .append(key)
                                    .append('}');
                        }
                        DemoServer.Reply reply = http.post("/v1/features/online", body + "]}");
                        lookups.incrementAndGet();
                        if (reply.status() != 200) {
                            failures.incrementAndGet();
                            wrong.add("status " + reply.status() + ": " + reply.text());
                            continue;
                        }
                        long version = reply.json().get("table_version").asLong();
                        versionsSeen.merge(version, 1L, Long::sum);
                        Map<Long, Double> expected = versions.get(version);
                        if (expected == null) {
                            wrong.add("version " + version + " was never committed");
                            continue;
                        }
                        for (int i = 0; i < keys.size(); i++) {
                            JsonNode result = reply.json().get("results").get(i);
                            Double want = expected.get(keys.get(i));
                            String status = result.get("status").asText();
                            if (want == null
                                    ? !status.equals("NOT_FOUND")
                                    : !status.equals("PRESENT")
                                            || result.get("features")
                                                            .get("value")
                                                            .asDouble()
                                                    != want) {
                                wrong.add("version " + version + ", id " + keys.get(i) + ": expected " + want + ", got "
                                        + result);
                            }
                        }
                    }
                    return null;
                }));
            }

            Random random = new Random(42);
            for (int version = 2; version <= 9; version++) {
                // Slower than the refresh interval (its minimum, 1s), so that readers see most versions.
                Thread.sleep(1300);
                String operation = version == 6 ? "overwrite" : version % 3 == 1 ? "delete" : "append";
                switch (operation) {
                    case "append" -> {
                        // New values for some keys (later event times), some keys that did not exist.
                        List<Record> rows = new ArrayList<>();
                        Instant at = T0.plus(version, ChronoUnit.MINUTES);
                        for (int i = 0; i < 300; i++) {
                            long id = random.nextInt(KEYS + 200);
                            if (rows.stream().anyMatch(r -> (Long) r.getField("id") == id)) {
                                continue;
                            }
                            // Some rows arrive late; no two rows of a key share an event time, which would have no
                            // defined winner without a created-time column.
                            Instant event = random.nextInt(5) == 0 ? T0.minus(version, ChronoUnit.MINUTES) : at;
                            rows.add(row(id, event, value(version, id)));
                            if (!state.containsKey(id) || event.isAfter(eventTimes.get(id))) {
                                state.put(id, value(version, id));
                                eventTimes.put(id, event);
                            }
                        }
                        table.newAppend()
                                .appendFile(IcebergTestTables.writeData(table, null, rows))
                                .commit();
                    }
                    case "delete" -> {
                        Schema idOnly = SCHEMA.select("id");
                        List<Record> deleted = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            long id = random.nextInt(KEYS);
                            GenericRecord record = GenericRecord.create(idOnly);
                            record.setField("id", id);
                            deleted.add(record);
                            state.remove(id);
                            eventTimes.remove(id);
                        }
                        table.newRowDelta()
                                .addDeletes(IcebergTestTables.writeEqualityDeletes(table, null, idOnly, deleted))
                                .commit();
                    }
                    default -> {
                        List<Record> rows = new ArrayList<>();
                        state.clear();
                        eventTimes.clear();
                        for (long id = 0; id < KEYS; id += 2) {
                            rows.add(row(id, T0, value(version, id)));
                            state.put(id, value(version, id));
                            eventTimes.put(id, T0);
                        }
                        table.newOverwrite()
                                .overwriteByRowFilter(Expressions.alwaysTrue())
                                .addFile(IcebergTestTables.writeData(table, null, rows))
                                .commit();
                    }
                }
                // The model is published before readers can see the version: the data plane polls after the commit.
                versions.put(table.currentSnapshot().sequenceNumber(), Map.copyOf(state));
            }
            long last = table.currentSnapshot().sequenceNumber();
            long deadline = System.currentTimeMillis() + 30_000;
            while (dataPlane
                                    .registry()
                                    .view("scores")
                                    .orElseThrow()
                                    .index()
                                    .orElseThrow()
                                    .tableVersion()
                            != last
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
            writing.set(false);
            for (Future<?> reader : running) {
                reader.get(30, TimeUnit.SECONDS);
            }
            readers.shutdownNow();
            assertThat(dataPlane
                            .registry()
                            .view("scores")
                            .orElseThrow()
                            .index()
                            .orElseThrow()
                            .tableVersion())
                    .isEqualTo(last);
        }
        assertThat(wrong).as("wrong responses").isEmpty();
        assertThat(failures.get()).isZero();
        assertThat(lookups.get()).isGreaterThan(200);
        assertThat(versionsSeen.keySet()).as("versions answered from").hasSizeGreaterThan(4);
    }

    private static double value(int version, long id) {
        return version * 100_000.0 + id;
    }

    private static Record row(long id, Instant ts, double value) {
        GenericRecord record = GenericRecord.create(SCHEMA);
        record.setField("id", id);
        record.setField("ts", ts.atOffset(java.time.ZoneOffset.UTC));
        record.setField("value", value);
        return record;
    }
}
