package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.kernel.TableManager;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.PythonReader;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pushes into tables partitioned by text, integer and date columns, with every awkward class of partition value:
 * each push is either refused with 400 before anything is written, or committed so that an engine sharing no code
 * with the data plane (delta-rs, pyiceberg, pyarrow's Hive partitioning; {@link PythonReader}) reads exactly the rows
 * pushed, and the pod that took the push serves them.
 */
class PartitionedPushTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEED_TIME = "2026-01-01T00:00:00Z";
    private static final String PUSH_TIME = "2026-11-01T00:00:00Z";
    private static final String SEED_DIRECTORY = "region=seed/bucket=0/day=2026-01-01";

    private static final String LONG_NAME = "x".repeat(300);
    /** 124 two-byte characters: 255 bytes with "region=", the longest name that fits. */
    private static final String LONGEST_FITTING = "\u00e9".repeat(124);

    private static final String TOO_LONG = "\u00e9".repeat(125);

    /** The formats pushes write, each with the partition values it must refuse. */
    enum Format {
        /** Nulls live in the log; the directory names only have to exist and read back. */
        DELTA(Set.of("", "nul\u0000", LONG_NAME, TOO_LONG)),
        /** Partition values live in manifests, and files are not put in directories named after them. */
        ICEBERG(Set.of()),
        /** The directory names are the only record of the values. */
        PARQUET(Set.of("", "nul\u0000", "__HIVE_DEFAULT_PARTITION__", "<null>", LONG_NAME, TOO_LONG));

        final Set<String> refused;

        Format(Set<String> refused) {
            this.refused = refused;
        }

        String kind() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One pushed row's partition values; a null field pushes null. */
    private record Values(String region, Long bucket, String day) {}

    private static List<Values> cases() {
        List<Values> cases = new ArrayList<>();
        for (String region : Arrays.asList(
                "New York",
                "a/b",
                "N/A",
                "100%",
                "50%25",
                "x=y",
                "a:b",
                "Z\u00fcrich",
                "\u6771\u4eac",
                "duck\ud83e\udd86",
                " lead",
                "trail ",
                "tab\there",
                "new\nline",
                "quote'dq\"",
                "#?*",
                "[a]{b}^",
                "back\\slash",
                "plus+sign",
                "..",
                ".",
                "-",
                "__HIVE_DEFAULT_PARTITION__",
                "",
                null,
                "nul\u0000",
                LONG_NAME,
                LONGEST_FITTING,
                TOO_LONG)) {
            cases.add(new Values(region, 1L, "2026-01-02"));
        }
        for (long bucket : new long[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}) {
            cases.add(new Values("ints", bucket, "2026-01-02"));
        }
        for (String day : List.of("0001-01-01", "1969-12-31", "1970-01-01", "2024-02-29", "9999-12-31")) {
            cases.add(new Values("dates", 2L, day));
        }
        return cases;
    }

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Format.class)
    void everyAwkwardPartitionValueIsRefusedOrReadBackExactlyByAnotherEngine(Format format) throws Exception {
        Path table = directory.resolve("lakehouse/events");
        create(format, table);
        ServingConfig config = new ServingConfigLoader().load(ServingYaml.write(directory, format.kind(), """
                source: {path: events, timestampColumn: event_timestamp}
                entities: [{name: driver_id, type: int64}]
                features: [{name: region, type: string}, {name: bucket, type: %s}, {name: day, type: date},
                           {name: score, type: float64}]
                refreshInterval: 1h
                push: {enabled: true, sourceName: events, flushInterval: 10ms}
                """.formatted(
                        format == Format.PARQUET ? "int64" : "int32")));
        List<Map<String, Object>> expected =
                new ArrayList<>(List.of(row(1, new Values("seed", 0L, "2026-01-01"), SEED_TIME, 0.5)));
        List<String> refused = new ArrayList<>();
        Map<Long, Values> served = new LinkedHashMap<>();
        try (DataPlane dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build())) {
            dataPlane.initialLoad().join();
            HttpProbe http = new HttpProbe(dataPlane.port());
            List<Values> cases = cases();
            for (int i = 0; i < cases.size(); i++) {
                long driver = 100 + i;
                Values values = cases.get(i);
                DemoServer.Reply reply = http.post("/push", push(driver, values, i));
                String shown = Objects.toString(values.region());
                assertThat(reply.status()).as("%s: %s", shown, reply.text()).isIn(200, 400);
                if (reply.status() == 400) {
                    assertThat(reply.json().at("/error/code").asText()).isEqualTo("INVALID_PUSH");
                    refused.add(values.region() == null ? "<null>" : values.region());
                } else {
                    expected.add(row(driver, values, PUSH_TIME, i));
                    served.put(driver, values);
                }
            }
            JsonNode online = http.post(
                            "/v1/features/online",
                            "{\"feature_view\": \"scores\", \"entities\": ["
                                    + String.join(
                                            ", ",
                                            served.keySet().stream()
                                                    .map(d -> "{\"driver_id\": " + d + "}")
                                                    .toList())
                                    + "]}")
                    .json();
            int e = 0;
            for (Map.Entry<Long, Values> pushed : served.entrySet()) {
                JsonNode result = online.at("/results/" + e++);
                assertThat(result.path("status").asText())
                        .as("driver %d", pushed.getKey())
                        .isEqualTo("PRESENT");
                JsonNode features = result.path("features");
                assertThat(
                                features.path("region").isNull()
                                        ? null
                                        : features.path("region").asText())
                        .isEqualTo(pushed.getValue().region());
                assertThat(features.path("bucket").asLong())
                        .isEqualTo(pushed.getValue().bucket());
                assertThat(features.path("day").asText())
                        .isEqualTo(pushed.getValue().day());
            }
        }
        assertThat(new TreeSet<>(refused)).as("refused with 400").isEqualTo(new TreeSet<>(format.refused));

        List<Map<String, Object>> read = PythonReader.read(
                format.kind(), table, format == Format.PARQUET ? "region:string,bucket:int64,day:date32" : "");
        assertThat(read.stream().map(PartitionedPushTest::comparable).toList())
                .as(
                        "rows read by %s",
                        format == Format.DELTA ? "delta-rs" : format == Format.ICEBERG ? "pyiceberg" : "pyarrow")
                .containsExactlyInAnyOrderElementsOf(
                        expected.stream().map(PartitionedPushTest::comparable).toList());
    }

    private static String push(long driver, Values values, int score) {
        ObjectNode df = JSON.createObjectNode();
        df.putArray("driver_id").add(driver);
        df.putArray("event_timestamp").add(PUSH_TIME);
        ArrayNode region = df.putArray("region");
        if (values.region() == null) {
            region.addNull();
        } else {
            region.add(values.region());
        }
        df.putArray("bucket").add(values.bucket());
        df.putArray("day").add(values.day());
        df.putArray("score").add((double) score);
        ObjectNode body = JSON.createObjectNode().put("push_source_name", "events");
        body.set("df", df);
        return body.toString();
    }

    private static Map<String, Object> row(long driver, Values values, String time, double score) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("driver_id", driver);
        row.put("event_timestamp", time.replace("Z", ".000000Z"));
        row.put("region", values.region());
        row.put("bucket", values.bucket());
        row.put("day", values.day());
        row.put("score", score);
        return row;
    }

    /** A row as one text, numbers in one form whichever reader produced them. */
    private static String comparable(Map<String, Object> row) {
        return List.of("driver_id", "event_timestamp", "region", "bucket", "day", "score").stream()
                .map(c -> c + "="
                        + (row.get(c) instanceof Number n
                                ? (c.equals("score") ? Double.toString(n.doubleValue()) : Long.toString(n.longValue()))
                                : row.get(c)))
                .toList()
                .toString();
    }

    private static void create(Format format, Path table) throws Exception {
        Files.createDirectories(table.getParent());
        switch (format) {
            case DELTA -> {
                Engine engine = DefaultEngine.create(TableSourceFactory.hadoopConfiguration());
                StructType schema = new StructType()
                        .add("driver_id", LongType.LONG)
                        .add("event_timestamp", TimestampType.TIMESTAMP)
                        .add("region", StringType.STRING)
                        .add("bucket", IntegerType.INTEGER)
                        .add("day", DateType.DATE)
                        .add("score", DoubleType.DOUBLE);
                TableManager.buildCreateTableTransaction(table.toUri().toString(), schema, "test")
                        .withDataLayoutSpec(DataLayoutSpec.partitioned(
                                List.of(new Column("region"), new Column("bucket"), new Column("day"))))
                        .build(engine)
                        .commit(engine, CloseableIterable.emptyIterable());
                // The seed row as another writer commits it: Kernel's own append of a file DuckDB wrote.
                seedWithDuckDb(table.resolve(SEED_DIRECTORY));
                appendDeltaSeed(engine, table);
            }
            case ICEBERG -> {
                Schema schema = new Schema(
                        Types.NestedField.required(1, "driver_id", Types.LongType.get()),
                        Types.NestedField.required(2, "event_timestamp", Types.TimestampType.withZone()),
                        Types.NestedField.optional(3, "region", Types.StringType.get()),
                        Types.NestedField.optional(4, "bucket", Types.IntegerType.get()),
                        Types.NestedField.optional(5, "day", Types.DateType.get()),
                        Types.NestedField.optional(6, "score", Types.DoubleType.get()));
                Table iceberg = IcebergTestTables.create(
                        table,
                        schema,
                        PartitionSpec.builderFor(schema)
                                .identity("region")
                                .identity("bucket")
                                .identity("day")
                                .build());
                GenericRecord record = GenericRecord.create(schema);
                record.setField("driver_id", 1L);
                record.setField(
                        "event_timestamp", OffsetDateTime.parse(SEED_TIME).withOffsetSameInstant(ZoneOffset.UTC));
                record.setField("region", "seed");
                record.setField("bucket", 0);
                record.setField("day", LocalDate.parse("2026-01-01"));
                record.setField("score", 0.5);
                GenericRecord partition = GenericRecord.create(iceberg.spec().partitionType());
                partition.set(0, "seed");
                partition.set(1, 0);
                partition.set(2, (int) LocalDate.parse("2026-01-01").toEpochDay());
                iceberg.newAppend()
                        .appendFile(IcebergTestTables.writeData(iceberg, partition, List.of(record)))
                        .commit();
            }
            case PARQUET -> seedWithDuckDb(table.resolve(SEED_DIRECTORY));
        }
    }

    /** One seed row (driver 1) in a Parquet file of the data columns. */
    private static void seedWithDuckDb(Path directory) throws Exception {
        Files.createDirectories(directory);
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT 1::BIGINT AS driver_id, TIMESTAMPTZ '" + SEED_TIME + "' AS event_timestamp, "
                    + "0.5::DOUBLE AS score) TO '" + directory.resolve("part-0.parquet") + "' (FORMAT parquet)");
        }
    }

    private static void appendDeltaSeed(Engine engine, Path table) throws Exception {
        Path placed = table.resolve(SEED_DIRECTORY).resolve("part-0.parquet");
        io.delta.kernel.Transaction transaction = TableManager.loadSnapshot(
                        table.toUri().toString())
                .build(engine)
                .buildUpdateTableTransaction("test", io.delta.kernel.Operation.WRITE)
                .build(engine);
        io.delta.kernel.data.Row state = transaction.getTransactionState(engine);
        Map<String, io.delta.kernel.expressions.Literal> partition = Map.of(
                "region", io.delta.kernel.expressions.Literal.ofString("seed"),
                "bucket", io.delta.kernel.expressions.Literal.ofInt(0),
                "day",
                        io.delta.kernel.expressions.Literal.ofDate(
                                (int) LocalDate.parse("2026-01-01").toEpochDay()));
        io.delta.kernel.DataWriteContext context =
                io.delta.kernel.Transaction.getWriteContext(engine, state, partition);
        io.delta.kernel.utils.DataFileStatus status = new io.delta.kernel.utils.DataFileStatus(
                new org.apache.hadoop.fs.Path(placed.toUri()).toString(), Files.size(placed),
                Files.getLastModifiedTime(placed).toMillis(), java.util.Optional.empty());
        List<io.delta.kernel.data.Row> actions = new ArrayList<>();
        try (io.delta.kernel.utils.CloseableIterator<io.delta.kernel.data.Row> rows =
                io.delta.kernel.Transaction.generateAppendActions(
                        engine,
                        state,
                        io.delta.kernel.internal.util.Utils.toCloseableIterator(
                                List.of(status).iterator()),
                        context)) {
            rows.forEachRemaining(actions::add);
        }
        transaction.commit(
                engine,
                CloseableIterable.inMemoryIterable(
                        io.delta.kernel.internal.util.Utils.toCloseableIterator(actions.iterator())));
    }
}
