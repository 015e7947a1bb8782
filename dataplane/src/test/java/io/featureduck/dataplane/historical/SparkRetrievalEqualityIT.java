package io.featureduck.dataplane.historical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.featureduck.crds.AggregationFunction;
import io.featureduck.crds.AggregationSpec;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.RandomHistory;
import io.featureduck.dataplane.RandomHistory.Row;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.EntitySelection;
import io.featureduck.dataplane.duckdb.EventRange;
import io.featureduck.dataplane.duckdb.OutputFormat;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.featureduck.spark.LocalSpark;
import io.featureduck.spark.RetrievalPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job, run by a local Spark from Maven Central on the plans the data plane writes, gives exactly the rows
 * the data plane's own DuckDB retrieval gives, over random tables: Delta event tables with ties, nulls and TTL edges
 * (a view with a TTL and one without, which take Spark's two forms), windows of every function, an Iceberg table
 * with position and equality deletes keyed by a second entity type, a Delta snapshot view across versions, and a
 * Hudi table written by Spark; for entity tables and for time ranges, with and without full feature names.
 *
 * <p>Each seed is one set of tables; all plans run in one Spark process, which takes most of this test's time.
 * {@code -Dfeatureduck.spark.seeds=1,2,3} runs other seeds.
 */
class SparkRetrievalEqualityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TTL = Duration.ofHours(10);
    private static final List<Integer> HOURS = List.of(0, 5, 10, 12, 20, 30);

    @TempDir
    static Path directory;

    /** A retrieval run by both engines. */
    private record Case(String name, ServingConfig config, EntitySelection rows, List<String> features, boolean full) {}

    private static final List<Case> CASES = new ArrayList<>();
    private static final Map<String, Path> SPARK_OUTPUT = new LinkedHashMap<>();
    private static final Map<String, JsonNode> REPORTS = new LinkedHashMap<>();

    @BeforeAll
    static void runBothEngines() throws Exception {
        for (String seed :
                System.getProperty("featureduck.spark.seeds", "11,23,37").split(",")) {
            addCases(Long.parseLong(seed.trim()));
        }
        addHudiCase();
        List<String> args = new ArrayList<>();
        for (Case c : CASES) {
            Path plan = directory.resolve(c.name() + ".plan.json");
            Files.writeString(plan, JSON.writeValueAsString(sparkPlan(c)));
            args.add("--plan");
            args.add(plan.toString());
        }
        runSpark(args);
    }

    @Test
    void sparkGivesTheRowsDuckDbGives() throws Exception {
        for (Case c : CASES) {
            Path duck = directory.resolve(c.name() + ".duckdb.parquet");
            retrieval(c.config()).export(c.rows(), refs(c), c.full(), OutputFormat.PARQUET, duck, s -> {});
            List<List<Object>> expected = rows("read_parquet('" + duck + "')");
            List<List<Object>> actual = rows("read_parquet('" + SPARK_OUTPUT.get(c.name()) + "/*.parquet')");
            assertThat(columns("read_parquet('" + SPARK_OUTPUT.get(c.name()) + "/*.parquet')"))
                    .as("%s: columns and types", c.name())
                    .isEqualTo(columns("read_parquet('" + duck + "')"));
            assertThat(actual).as("%s: row count", c.name()).hasSameSizeAs(expected);
            assertThat(expected).as("%s: has rows", c.name()).isNotEmpty();
            for (int i = 0; i < expected.size(); i++) {
                assertThat(equal(actual.get(i), expected.get(i)))
                        .as("%s row %d: spark %s, duckdb %s", c.name(), i, actual.get(i), expected.get(i))
                        .isTrue();
            }
            JsonNode report = REPORTS.get(c.name());
            assertThat(report.path("rows").asLong()).isEqualTo(expected.size());
        }
    }

    @Test
    void everyFormAndFormatIsExercisedAndFound() throws Exception {
        // Guards against a comparison of nulls with nulls: each case answers values, not only absences. A range's
        // entity rows are event times, long before the snapshot tables existed, so they find none of their values.
        for (Case c : CASES) {
            for (String column : c.features().stream()
                    .filter(f ->
                            !(c.rows() instanceof EventRange && (f.startsWith("profile:") || f.startsWith("current:"))))
                    .map(f -> FeatureRef.parse(f).outputName(c.full()))
                    .toList()) {
                try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                        Statement statement = duck.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT count(\"" + column + "\") FROM read_parquet('"
                                + SPARK_OUTPUT.get(c.name()) + "/*.parquet')")) {
                    rs.next();
                    assertThat(rs.getLong(1))
                            .as("%s: values of %s", c.name(), column)
                            .isPositive();
                }
            }
        }
        assertThat(CASES.stream()
                        .flatMap(c -> REPORTS.get(c.name()).path("tables").findValuesAsText("format").stream()))
                .contains("delta", "iceberg", "hudi");
    }

    // --- the tables and requests ---

    private static void addCases(long seed) throws Exception {
        Random random = new Random(seed);
        Path root = Files.createDirectories(directory.resolve("seed-" + seed));
        Path events = root.resolve("events");
        RandomHistory.writeDeltaTable(events, RandomHistory.withoutAmbiguousDuplicates(history(random)));
        Path profiles = root.resolve("profiles");
        writeSnapshotTable(profiles, random);
        Path clicks = root.resolve("clicks");
        writeIcebergTable(clicks, random);

        List<EntitySpec> k = List.of(new EntitySpec("k", ValueType.INT64));
        List<FeatureSpec> v = List.of(new FeatureSpec("v", ValueType.FLOAT64));
        ViewDefinition withTtl = new ViewDefinition(
                "ttl",
                TableFormat.DELTA,
                new TableLocation(events),
                "ts",
                "created",
                k,
                v,
                Optional.of(TTL),
                true,
                Optional.empty());
        ViewDefinition noTtl = new ViewDefinition(
                "forever",
                TableFormat.DELTA,
                new TableLocation(events),
                "ts",
                "created",
                k,
                v,
                Optional.empty(),
                true,
                Optional.empty());
        ViewDefinition windows = noTtl.withAggregations(ViewAggregations.of(List.of(
                aggregation("n", null, AggregationFunction.COUNT, null),
                aggregation("total", ValueType.FLOAT64, AggregationFunction.SUM, null),
                aggregation("mean", ValueType.FLOAT64, AggregationFunction.AVG, null),
                aggregation("low", ValueType.FLOAT64, AggregationFunction.MIN, null),
                aggregation("high", ValueType.FLOAT64, AggregationFunction.MAX, null),
                aggregation("latest", ValueType.FLOAT64, AggregationFunction.LAST, null),
                aggregation("recent", ValueType.FLOAT64, AggregationFunction.LAST_N, 3),
                aggregation("kinds", ValueType.FLOAT64, AggregationFunction.COUNT_DISTINCT, null),
                aggregation("spread", ValueType.FLOAT64, AggregationFunction.STDDEV, null))));
        windows = rename(windows, "windows", Optional.of(TTL));
        ViewDefinition profile = new ViewDefinition(
                "profile",
                TableFormat.DELTA,
                new TableLocation(profiles),
                null,
                null,
                k,
                v,
                Optional.empty(),
                true,
                Optional.empty());
        ViewDefinition click = new ViewDefinition(
                "clicks",
                TableFormat.ICEBERG,
                new TableLocation(clicks),
                "ts",
                null,
                List.of(new EntitySpec("user", ValueType.STRING)),
                List.of(new FeatureSpec("v", ValueType.FLOAT64), new FeatureSpec("s", ValueType.STRING)),
                Optional.of(Duration.ofHours(12)),
                true,
                Optional.empty());
        ServingConfig config = config(root, TableFormat.DELTA, List.of(withTtl, noTtl, windows, profile, click));

        TableSource snapshots = new TableSourceFactory().forView(profile);
        List<Instant> commits = List.of(
                snapshots.snapshotAt(0).commitTime(),
                snapshots.snapshotAt(1).commitTime(),
                snapshots.snapshotAt(2).commitTime());
        Path rows = root.resolve("entities.parquet");
        writeEntityRows(rows, random, commits);
        List<String> windowFeatures = windows.servedFeatureNames().stream()
                .filter(name -> !name.equals("v"))
                .map(name -> "windows:" + name)
                .toList();
        List<String> all = new ArrayList<>(List.of("ttl:v", "forever:v", "profile:v", "clicks:v", "clicks:s"));
        all.addAll(windowFeatures);
        all.add("windows:v");
        CASES.add(new Case("seed" + seed + "-rows", config, EntityRows.of(rows), all, true));

        List<String> ranged = new ArrayList<>(List.of("ttl:v", "forever:v", "profile:v"));
        ranged.addAll(windowFeatures);
        Instant start = RandomHistory.BASE.plus(Duration.ofHours(random.nextInt(6)));
        CASES.add(new Case(
                "seed" + seed + "-range",
                config,
                new EventRange(start, start.plus(Duration.ofHours(8 + random.nextInt(20)))),
                ranged,
                true));
        CASES.add(new Case(
                "seed" + seed + "-names", config, EntityRows.of(rows), List.of("forever:v", "clicks:s"), false));
        // A time range over the Iceberg view alone: its own entity type, its deleted rows absent from the rows too.
        CASES.add(new Case(
                "seed" + seed + "-iceberg-range",
                config,
                new EventRange(RandomHistory.BASE, RandomHistory.BASE.plus(Duration.ofHours(20 + random.nextInt(15)))),
                List.of("clicks:v", "clicks:s"),
                false));
    }

    /** Three to five commits of random rows over few keys and hours, so ties of time and created time are common. */
    private static List<List<Row>> history(Random random) {
        List<List<Row>> commits = new ArrayList<>();
        int count = 3 + random.nextInt(3);
        for (int c = 0; c < count; c++) {
            List<Row> commit = new ArrayList<>();
            int size = 5 + random.nextInt(30);
            for (int r = 0; r < size; r++) {
                commit.add(new Row(
                        random.nextInt(7),
                        HOURS.get(random.nextInt(HOURS.size())) + random.nextInt(2),
                        random.nextInt(4) == 0 ? null : random.nextInt(4),
                        random.nextInt(6) == 0 ? null : (double) random.nextInt(20) - 5));
            }
            commits.add(commit);
        }
        return commits;
    }

    /** A snapshot table: one row per key in each of three versions, three keys added by each. */
    private static void writeSnapshotTable(Path table, Random random) throws Exception {
        StructType schema = new StructType().add("k", LongType.LONG).add("v", DoubleType.DOUBLE);
        DeltaTableWriter writer = new DeltaTableWriter(DefaultEngine.create(new Configuration()), table);
        try (DuckDbSession session = DuckDbSession.open(
                DuckDbSettings.defaults(),
                List.of(table.getParent(), DuckDbSettings.defaults().tempDirectory()))) {
            for (int version = 0; version < 3; version++) {
                List<String> rows = new ArrayList<>();
                for (int key = version * 3; key < version * 3 + 3; key++) {
                    rows.add("SELECT " + key + "::BIGINT AS k, " + (random.nextInt(50) + version * 100)
                            + "::DOUBLE AS v");
                }
                writer.append(session, String.join(" UNION ALL ", rows), schema);
                // Commit times a millisecond apart are still told apart, but entity rows fall between them.
                Thread.sleep(20);
            }
        }
    }

    /** An Iceberg table keyed by user, in three appends, then a position delete and an equality delete. */
    private static void writeIcebergTable(Path location, Random random) {
        Schema schema = new Schema(
                Types.NestedField.optional(1, "user", Types.StringType.get()),
                Types.NestedField.optional(2, "ts", Types.TimestampType.withZone()),
                Types.NestedField.optional(3, "v", Types.DoubleType.get()),
                Types.NestedField.optional(4, "s", Types.StringType.get()));
        Table table = IcebergTestTables.create(location, schema, PartitionSpec.unpartitioned());
        List<DataFile> files = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int append = 0; append < 3; append++) {
            List<Record> rows = new ArrayList<>();
            for (int r = 0; r < 8 + random.nextInt(8); r++) {
                GenericRecord row = GenericRecord.create(schema);
                String user = "u" + random.nextInt(5);
                Instant time = RandomHistory.BASE
                        .plus(Duration.ofHours(HOURS.get(random.nextInt(HOURS.size()))))
                        .plus(Duration.ofMinutes(random.nextInt(3)));
                // Without a created time, two events of one user and time have no defined winner.
                if (!seen.add(user + time)) {
                    continue;
                }
                row.setField("user", user);
                row.setField("ts", time.atOffset(java.time.ZoneOffset.UTC));
                row.setField("v", random.nextInt(5) == 0 ? null : random.nextDouble() * 10);
                row.setField("s", "s" + random.nextInt(100));
                rows.add(row);
            }
            DataFile file = IcebergTestTables.writeData(table, null, rows);
            table.newAppend().appendFile(file).commit();
            files.add(file);
        }
        table.newRowDelta()
                .addDeletes(IcebergTestTables.writePositionDeletes(table, null, files.get(0), 0L, 2L))
                .commit();
        Schema byUser = schema.select("user");
        GenericRecord deleted = GenericRecord.create(byUser);
        deleted.setField("user", "u" + random.nextInt(5));
        table.newRowDelta()
                .addDeletes(IcebergTestTables.writeEqualityDeletes(table, null, byUser, List.of(deleted)))
                .commit();
    }

    /**
     * Entity rows: keys known and unknown, times at event hours, TTL edges, before any event, and around the
     * snapshot table's commits; duplicates and an extra column.
     */
    private static void writeEntityRows(Path file, Random random, List<Instant> commits) throws Exception {
        List<String> rows = new ArrayList<>();
        int[] offsets = {-1, 0, 4, 5, 10, 11, 12, 15, 20, 22, 30, 31, 40};
        for (int i = 0; i < 60; i++) {
            Instant time = random.nextInt(4) == 0
                    ? commits.get(random.nextInt(commits.size())).plusMillis(random.nextInt(3) - 1)
                    : RandomHistory.BASE.plus(Duration.ofHours(offsets[random.nextInt(offsets.length)]));
            rows.add("SELECT " + random.nextInt(9) + "::BIGINT AS k, 'u" + random.nextInt(6)
                    + "' AS \"user\", TIMESTAMPTZ '" + time + "' AS event_timestamp, 'row" + i + "' AS label");
        }
        rows.add(rows.get(0));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("COPY (" + String.join(" UNION ALL ", rows) + ") TO '" + file + "' (FORMAT parquet)");
        }
    }

    /** A Hudi table written by Spark (three commits, the last an INSERT OVERWRITE), as event and snapshot view. */
    private static void addHudiCase() throws Exception {
        Path table = SharedTestData.projectRoot()
                .resolve("../shared/testdata/hudi/cow/v9_txns_simple_overwrite")
                .normalize();
        List<EntitySpec> txn = List.of(new EntitySpec("txn_id", ValueType.STRING));
        ViewDefinition txns = new ViewDefinition(
                "txns",
                TableFormat.HUDI,
                new TableLocation(table),
                "txn_datetime",
                null,
                txn,
                List.of(
                        new FeatureSpec("txn_type", ValueType.STRING),
                        new FeatureSpec("fee_amount", ValueType.FLOAT64)),
                Optional.empty(),
                true,
                Optional.empty());
        ViewDefinition current = new ViewDefinition(
                "current",
                TableFormat.HUDI,
                new TableLocation(table),
                null,
                null,
                txn,
                List.of(new FeatureSpec("merchant_name", ValueType.STRING)),
                Optional.empty(),
                true,
                Optional.empty());
        ServingConfig config = config(table.getParent(), TableFormat.HUDI, List.of(txns, current));
        TableSource source = new TableSourceFactory().forView(current);
        List<Instant> times =
                new ArrayList<>(List.of(Instant.parse("2024-01-15T10:30:00Z"), Instant.parse("2024-01-20T00:00:00Z")));
        for (long version : source.versionsBetween(Instant.EPOCH, Instant.now())) {
            Instant commit = source.snapshotAt(version).commitTime();
            times.addAll(List.of(commit.minusMillis(1), commit, commit.plusSeconds(1)));
        }
        assertThat(times).hasSize(2 + 3 * 3);
        Path rows = directory.resolve("txns.parquet");
        List<String> selects = new ArrayList<>();
        // The first two commits insert TXN-001 to TXN-014; the third overwrites the table with TXN-101 to TXN-103.
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= 14; id++) {
            ids.add(id);
        }
        ids.addAll(List.of(101, 102, 103));
        for (int id : ids) {
            for (Instant time : times) {
                selects.add("SELECT 'TXN-" + String.format("%03d", id) + "' AS txn_id, TIMESTAMPTZ '" + time
                        + "' AS event_timestamp");
            }
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (" + String.join(" UNION ALL ", selects) + ") TO '" + rows + "' (FORMAT parquet)");
        }
        CASES.add(new Case(
                "hudi",
                config,
                EntityRows.of(rows),
                List.of("txns:txn_type", "txns:fee_amount", "current:merchant_name"),
                false));
        // The transactions' own events over a range: those of the latest version (the overwrite), as the view serves.
        CASES.add(new Case(
                "hudi-range",
                config,
                new EventRange(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z")),
                List.of("txns:txn_type", "txns:fee_amount", "current:merchant_name"),
                true));
    }

    private static AggregationSpec aggregation(String name, ValueType type, AggregationFunction function, Integer n) {
        return new AggregationSpec(
                name, type == null ? null : "v", null, type, function, null, List.of("5h", "1d", "lifetime"), n, null);
    }

    private static ViewDefinition rename(ViewDefinition view, String name, Optional<Duration> ttl) {
        return new ViewDefinition(
                        name,
                        view.format(),
                        view.location(),
                        view.timestampColumn(),
                        view.createdTimestampColumn(),
                        view.entities(),
                        view.features(),
                        ttl,
                        true,
                        Optional.empty())
                .withAggregations(view.aggregations());
    }

    private static ServingConfig config(Path root, TableFormat format, List<ViewDefinition> views) {
        return new ServingConfig(
                root.resolve("store.yaml"),
                FeatureStore.of("s", new FeatureStoreSpec(new LakehouseSpec(format, root.toString()), null)),
                views);
    }

    // --- running ---

    private static HistoricalRetrieval retrieval(ServingConfig config) {
        return new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults());
    }

    private static List<FeatureRef> refs(Case c) {
        return c.features().stream().map(FeatureRef::parse).toList();
    }

    private static RetrievalPlan sparkPlan(Case c) {
        Path out = directory.resolve(c.name() + ".spark");
        SPARK_OUTPUT.put(c.name(), out);
        RetrievalPlan.Output output = new RetrievalPlan.Output(out.toString(), RetrievalPlan.OutputFormat.PARQUET);
        HistoricalRetrieval retrieval = retrieval(c.config());
        if (c.rows() instanceof EventRange range) {
            return retrieval.sparkPlan(range, refs(c), c.full(), output);
        }
        EntityRows rows = (EntityRows) c.rows();
        return retrieval.sparkPlan(
                new RetrievalPlan.Entities(rows.file().toString(), RetrievalPlan.EntityFormat.PARQUET, null),
                refs(c),
                c.full(),
                output);
    }

    /** Runs the job's main class in a JVM of its own, on Spark's classpath as a Spark image holds it. */
    private static void runSpark(List<String> args) throws Exception {
        List<String> command =
                LocalSpark.command(Path.of(System.getProperty("featureduck.spark.classpath")), 2, "2g", args);
        Path log = directory.resolve("spark.log");
        Process spark = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = spark.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            spark.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done && spark.exitValue() == 0)
                .as("the Spark job ran; its log ends:\n%s", tail(output))
                .isTrue();
        List<String> reports = LocalSpark.reports(output);
        assertThat(reports).hasSize(CASES.size());
        for (int i = 0; i < CASES.size(); i++) {
            REPORTS.put(CASES.get(i).name(), JSON.readTree(reports.get(i)));
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().filter(l -> !l.contains(" INFO ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    // --- comparing ---

    private static List<String> columns(String relation) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (rs.next()) {
                columns.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return columns;
    }

    private static List<List<Object>> rows(String relation) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = statement.executeQuery("SELECT * FROM " + relation)) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        Object value = rs.getObject(c);
                        row.add(value instanceof Array array ? Arrays.asList((Object[]) array.getArray()) : value);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Values equal; doubles within a relative 1e-9, as sums and deviations add in different orders. */
    private static boolean equal(Object actual, Object expected) {
        if (actual instanceof List<?> a && expected instanceof List<?> e) {
            if (a.size() != e.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), e.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (actual instanceof Double a && expected instanceof Double e) {
            return a.equals(e) || Math.abs(a - e) <= 1e-9 * Math.max(Math.abs(a), Math.abs(e));
        }
        return actual == null ? expected == null : actual.toString().equals(String.valueOf(expected));
    }

    static String describe(Path path) throws IOException {
        try (var files = Files.list(path)) {
            return files.map(Path::toString).collect(Collectors.joining(", "));
        }
    }
}
