package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.kernel.TableManager;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.KernelReferenceReader;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random pushes of every scalar type a Delta table declares, extreme and out-of-range values included, sent at once
 * with valid pushes to a real data plane: every push is answered 200 or 4xx, never 5xx (a value the generator knows
 * to be out of range is 4xx, one it knows to fit is 200); every 200's rows are in the table exactly once, read by
 * Delta Kernel's own reader, and served; a 4xx leaves no row and no file behind.
 */
class PushPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Engine ENGINE = DefaultEngine.create(TableSourceFactory.hadoopConfiguration());
    private static final AtomicLong DRIVERS = new AtomicLong(1);
    private static Path directory;
    private static Path table;
    private static DataPlane dataPlane;
    private static HttpProbe http;

    /** A column's JSON value, and whether the data plane must take it. */
    record Cell(JsonNode value, boolean valid) {}

    @BeforeContainer
    static void start() throws Exception {
        directory = Files.createTempDirectory("featureduck-push-property");
        table = directory.resolve("lakehouse/drivers");
        Files.createDirectories(table.getParent());
        StructType schema = new StructType()
                .add("driver_id", LongType.LONG, false)
                .add("event_timestamp", TimestampType.TIMESTAMP, false)
                .add("tiny", ByteType.BYTE)
                .add("small", ShortType.SHORT)
                .add("whole", IntegerType.INTEGER)
                .add("big", LongType.LONG)
                .add("ratio", FloatType.FLOAT)
                .add("score", DoubleType.DOUBLE)
                .add("amount", new DecimalType(10, 2))
                .add("flag", BooleanType.BOOLEAN)
                .add("day", DateType.DATE)
                .add("local", TimestampNTZType.TIMESTAMP_NTZ)
                .add("label", StringType.STRING)
                .add("payload", BinaryType.BINARY)
                .add("note", StringType.STRING, false);
        TableManager.buildCreateTableTransaction(table.toUri().toString(), schema, "test")
                .build(ENGINE)
                .commit(ENGINE, CloseableIterable.emptyIterable());
        ServingConfig config = new ServingConfigLoader().load(ServingYaml.write(directory, "delta", """
                source: {path: drivers, timestampColumn: event_timestamp}
                entities: [{name: driver_id, type: int64}]
                features: [{name: label, type: string}, {name: whole, type: int32}, {name: flag, type: bool},
                           {name: day, type: date}]
                push: {enabled: true, flushInterval: 20ms}
                """));
        dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build());
        dataPlane.initialLoad().join();
        http = new HttpProbe(dataPlane.port());
    }

    @AfterContainer
    static void stop() throws Exception {
        ServingConfig config = dataPlane.config();
        // Closed first: pushes still in flight (after a failed try) commit or fail before the files are counted.
        dataPlane.close();
        // Nothing a refused or failed push wrote is left: every data file is one the log names.
        TableSnapshot snapshot = new TableSourceFactory()
                .forView(config.view("scores").orElseThrow())
                .latestSnapshot();
        Set<Path> named = snapshot.dataFiles().stream()
                .map(f -> Path.of(f.path()).toAbsolutePath().normalize())
                .collect(Collectors.toSet());
        try (Stream<Path> files = Files.walk(table)) {
            assertThat(files.filter(f -> f.toString().endsWith(".parquet")
                                    && !f.toString().contains("_delta_log"))
                            .map(f -> f.toAbsolutePath().normalize())
                            .toList())
                    .as("data files on disk")
                    .containsExactlyInAnyOrderElementsOf(named);
        }
    }

    @Property(tries = 40)
    void everyPushIsCommittedOnceOrRefusedWithoutTrace(@ForAll("pushes") List<List<Map<String, Cell>>> randomPushes)
            throws Exception {
        List<CompletableFuture<Outcome>> answers = new ArrayList<>();
        for (List<Map<String, Cell>> push : randomPushes) {
            answers.add(CompletableFuture.supplyAsync(() -> send(push)));
            // A valid push beside each random one, in the same batches.
            answers.add(CompletableFuture.supplyAsync(() -> send(List.of(validRow()))));
        }
        List<Outcome> outcomes = answers.stream().map(CompletableFuture::join).toList();
        Map<Long, Map<String, Object>> rows = new HashMap<>();
        Map<Long, Integer> counts = new HashMap<>();
        for (Map<String, Object> row : KernelReferenceReader.readAll(ENGINE, table)) {
            long driver = (Long) row.get("driver_id");
            rows.put(driver, row);
            counts.merge(driver, 1, Integer::sum);
        }
        List<Long> accepted = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            assertThat(outcome.status()).as(outcome.describe()).isIn(200, 400, 413);
            if (outcome.valid()) {
                assertThat(outcome.status())
                        .as("a push of values that fit: %s", outcome.describe())
                        .isEqualTo(200);
            } else {
                assertThat(outcome.status())
                        .as("a push with a value out of range: %s", outcome.describe())
                        .isEqualTo(400);
            }
            for (long driver : outcome.drivers()) {
                if (outcome.status() == 200) {
                    assertThat(counts.get(driver))
                            .as("rows of driver %d in the table", driver)
                            .isEqualTo(1);
                    accepted.add(driver);
                } else {
                    assertThat(counts).as("a refused push left rows").doesNotContainKey(driver);
                }
            }
        }
        if (!accepted.isEmpty()) {
            ObjectNode request = JSON.createObjectNode().put("feature_view", "scores");
            ArrayNode entities = request.putArray("entities");
            accepted.forEach(d -> entities.addObject().put("driver_id", d));
            JsonNode results =
                    http.post("/v1/features/online", request.toString()).json().path("results");
            for (int e = 0; e < accepted.size(); e++) {
                JsonNode result = results.get(e);
                assertThat(result.path("status").asText())
                        .as("driver %d served", accepted.get(e))
                        .isEqualTo("PRESENT");
                Object label = rows.get(accepted.get(e)).get("label");
                assertThat(
                                result.at("/features/label").isNull()
                                        ? null
                                        : result.at("/features/label").asText())
                        .isEqualTo(label);
            }
        }
    }

    /** What one push was, and how it was answered. */
    record Outcome(List<Long> drivers, boolean valid, int status, String body, String answer) {
        String describe() {
            StringBuilder shown = new StringBuilder();
            body.chars()
                    .limit(1500)
                    .forEach(c -> shown.append(
                            c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
            return status + " " + answer + " <- " + shown;
        }
    }

    private static Outcome send(List<Map<String, Cell>> rows) {
        ObjectNode df = JSON.createObjectNode();
        List<Long> drivers = new ArrayList<>();
        boolean valid = true;
        List<String> columns = new ArrayList<>(List.of("driver_id"));
        rows.forEach(r -> r.keySet().stream().filter(c -> !columns.contains(c)).forEach(columns::add));
        for (Map<String, Cell> row : rows) {
            long driver = DRIVERS.getAndIncrement();
            drivers.add(driver);
            for (String column : columns) {
                ArrayNode values = df.has(column) ? (ArrayNode) df.get(column) : df.putArray(column);
                if (column.equals("driver_id")) {
                    values.add(driver);
                    continue;
                }
                Cell cell = row.get(column);
                if (cell == null) {
                    // A column another row of the push has: null here.
                    values.addNull();
                    valid &= !column.equals("note") && !column.equals("event_timestamp");
                } else {
                    values.add(cell.value());
                    valid &= cell.valid();
                }
            }
            valid &= row.containsKey("note") && row.containsKey("event_timestamp");
        }
        // Non-ASCII as \\u escapes: a lone surrogate can only travel that way (as UTF-8 it would arrive as '?').
        String body;
        try {
            body = JSON.writer()
                    .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                    .writeValueAsString(JSON.createObjectNode()
                            .put("push_source_name", "scores")
                            .set("df", df));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        DemoServer.Reply reply = new HttpProbe(dataPlane.port()).post("/push", body);
        return new Outcome(drivers, valid, reply.status(), body, reply.text());
    }

    private static Map<String, Cell> validRow() {
        return Map.of(
                "event_timestamp",
                new Cell(NODES.textNode("2026-11-05T10:00:00Z"), true),
                "note",
                new Cell(NODES.textNode("valid"), true),
                "whole",
                new Cell(NODES.numberNode(7), true));
    }

    @Provide
    Arbitrary<List<List<Map<String, Cell>>>> pushes() {
        Arbitrary<Map<String, Cell>> row = Combinators.combine(List.of(
                        column("event_timestamp", timestamps(), 0),
                        column("tiny", whole(Byte.MIN_VALUE, Byte.MAX_VALUE), 1),
                        column("small", whole(Short.MIN_VALUE, Short.MAX_VALUE), 1),
                        column("whole", whole(Integer.MIN_VALUE, Integer.MAX_VALUE), 1),
                        column("big", whole(Long.MIN_VALUE, Long.MAX_VALUE), 1),
                        column("ratio", floats(), 1),
                        column("score", doubles(), 1),
                        column("amount", decimals(), 1),
                        column("flag", booleans(), 1),
                        column("day", dates(), 1),
                        column("local", localTimes(), 1),
                        column("label", strings(), 1),
                        column("payload", bytes(), 1),
                        column("note", strings(), 0)))
                .as(cells -> {
                    Map<String, Cell> cellsByColumn = new HashMap<>();
                    cells.forEach(c -> c.forEach(cellsByColumn::put));
                    return cellsByColumn;
                });
        return row.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(4);
    }

    /** A column's cell: mostly a value, sometimes null, sometimes left out (more often where that is allowed). */
    private static Arbitrary<Map<String, Cell>> column(String name, Arbitrary<Cell> cells, int omitWeight) {
        Arbitrary<Map<String, Cell>> present = cells.map(c -> Map.of(name, c));
        Arbitrary<Map<String, Cell>> nullValue = Arbitraries.just(
                Map.of(name, new Cell(NODES.nullNode(), !name.equals("note") && !name.equals("event_timestamp"))));
        Arbitrary<Map<String, Cell>> absent = Arbitraries.just(Map.of());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, present),
                net.jqwik.api.Tuple.of(1, nullValue),
                net.jqwik.api.Tuple.of(omitWeight * 2 + 1, absent));
    }

    private static Cell ok(JsonNode value) {
        return new Cell(value, true);
    }

    private static Cell bad(JsonNode value) {
        return new Cell(value, false);
    }

    private static Arbitrary<Cell> whole(long min, long max) {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(min, max).map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of(min, max, 0L, -1L).map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of(
                                BigInteger.valueOf(min).subtract(BigInteger.ONE),
                                BigInteger.valueOf(max).add(BigInteger.ONE),
                                BigInteger.TWO.pow(64))
                        .map(v -> bad(NODES.numberNode(v))),
                Arbitraries.just(bad(NODES.numberNode(1.5))),
                Arbitraries.just(bad(NODES.textNode("12"))));
    }

    private static Arbitrary<Cell> floats() {
        return Arbitraries.oneOf(
                Arbitraries.floats()
                        .between(-Float.MAX_VALUE, Float.MAX_VALUE)
                        .map(v -> ok(NODES.numberNode((double) v))),
                Arbitraries.of((double) Float.MAX_VALUE, (double) -Float.MAX_VALUE, (double) Float.MIN_VALUE, 0.0)
                        .map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of(1e39, -1e39, Double.MAX_VALUE).map(v -> bad(NODES.numberNode(v))),
                Arbitraries.just(bad(NODES.numberNode(new BigDecimal("1e400")))));
    }

    private static Arbitrary<Cell> doubles() {
        return Arbitraries.oneOf(
                Arbitraries.doubles()
                        .between(-Double.MAX_VALUE, Double.MAX_VALUE)
                        .map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE)
                        .map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of("1e400", "-1e400").map(v -> bad(NODES.numberNode(new BigDecimal(v)))),
                Arbitraries.just(bad(NODES.textNode("NaN"))));
    }

    private static Arbitrary<Cell> decimals() {
        return Arbitraries.oneOf(
                Arbitraries.bigDecimals()
                        .between(new BigDecimal("-99999999.99"), new BigDecimal("99999999.99"))
                        .ofScale(2)
                        .map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of("-0.10", "0", "99999999.99", "1.5e2", "0e999999999", "1.000000")
                        .map(v -> ok(NODES.textNode(v))),
                Arbitraries.of("123456789.00", "0.125", "1e999999999", "1e-999999999", "abc")
                        .map(v -> bad(NODES.textNode(v))));
    }

    private static Arbitrary<Cell> booleans() {
        return Arbitraries.oneOf(
                Arbitraries.of(true, false).map(v -> ok(NODES.booleanNode(v))),
                Arbitraries.of("true", "1").map(v -> bad(NODES.textNode(v))));
    }

    private static Arbitrary<Cell> dates() {
        return Arbitraries.oneOf(
                Arbitraries.of("0001-01-01", "9999-12-31", "1970-01-01", "2024-02-29", "1677-09-21", "2262-04-12")
                        .map(v -> ok(NODES.textNode(v))),
                Arbitraries.of("0000-12-31", "+10000-01-01", "2023-02-29", "2024-13-01", "")
                        .map(v -> bad(NODES.textNode(v))));
    }

    private static Arbitrary<Cell> timestamps() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                                "0001-01-01T00:00:00Z",
                                "9999-12-31T23:59:59.999999Z",
                                "9999-12-31 23:59:59",
                                "1677-09-21T00:12:43.145224Z",
                                "2262-04-11T23:47:16.854776Z",
                                "2026-11-05T10:00:00+02:00",
                                "1969-12-31T23:59:59.999999Z")
                        .map(v -> ok(NODES.textNode(v))),
                Arbitraries.longs().between(-62135596800L, 253402300799L).map(v -> ok(NODES.numberNode(v))),
                Arbitraries.of("253402300799.999999", "-62135596800", "1.5")
                        .map(v -> ok(NODES.numberNode(new BigDecimal(v)))),
                Arbitraries.of("1e17", "18446744073709551616", "-1e300", "253402300800", "-62135596801", "1e-999999999")
                        .map(v -> bad(NODES.numberNode(new BigDecimal(v)))),
                Arbitraries.of(
                                "9999-12-31T23:59:59.999999-01:00",
                                "0001-01-01T00:00:00+01:00",
                                "+10000-01-01T00:00Z",
                                "yesterday",
                                "")
                        .map(v -> bad(NODES.textNode(v))));
    }

    private static Arbitrary<Cell> localTimes() {
        return Arbitraries.oneOf(
                Arbitraries.of("9999-12-31 23:59:59.999999", "0001-01-01T00:00:00", "2026-11-05T10:00:00")
                        .map(v -> ok(NODES.textNode(v))),
                Arbitraries.of("10000-01-01T00:00:00", "0000-01-01T00:00:00", "noon")
                        .map(v -> bad(NODES.textNode(v))));
    }

    private static Arbitrary<Cell> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .all()
                        .ofMaxLength(40)
                        .filter(PushPropertyTest::wellFormed)
                        .map(v -> ok(NODES.textNode(v))),
                Arbitraries.of("", "\u0000", "nul\u0000inside", "duck\ud83e\udd86", "x".repeat(5000), "\"'\\")
                        .map(v -> ok(NODES.textNode(v))),
                Arbitraries.of("\ud800", "lone\udc00", "a\ud83e").map(v -> bad(NODES.textNode(v))),
                Arbitraries.just(bad(NODES.numberNode(3))));
    }

    private static Arbitrary<Cell> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(32)
                        .map(v ->
                                ok(NODES.textNode(java.util.Base64.getEncoder().encodeToString(v)))),
                Arbitraries.of("not base64!", "A").map(v -> bad(NODES.textNode(v))));
    }

    /** Whether {@code text} is Unicode (no lone surrogate), as any generated string may not be. */
    private static boolean wellFormed(String text) {
        return text.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);
    }
}
