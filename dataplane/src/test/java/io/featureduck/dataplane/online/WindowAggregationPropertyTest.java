package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.AggregationFunction;
import io.featureduck.crds.AggregationSpec;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.RandomHistory;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.parity.ParityCheck;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Every aggregation function and window, online at several request times after each change of the table and
 * historically at random entity-row times, equals a naive SQL window over the raw rows: {@code (end - window, end]},
 * nothing before an entity's first event. Random event tables with bursts of events at one time, late events, nulls,
 * future-dated events, appends merged incrementally (as pushes arrive) and deleted or rewritten files (rebuilds).
 * One view holds every event (it has lifetime windows); another only the events its short windows can still reach.
 */
class WindowAggregationPropertyTest {
    private static final List<Path> CREATED = new ArrayList<>();
    private static final java.util.concurrent.atomic.AtomicInteger VERSIONS =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final int KEYS = 12;
    private static final List<String> MERCHANTS = List.of("acme", "bolt", "café", "zed", "Ångström", "b");

    private static final List<AggregationSpec> EVERY_FUNCTION = List.of(
            many("events", null, null, null, AggregationFunction.COUNT, "10m", "1h", "1d", "365d", "lifetime"),
            many("trips", "trips", null, ValueType.INT32, AggregationFunction.SUM, "10m", "1h", "1d", "lifetime"),
            many("trip_events", "trips", null, ValueType.INT32, AggregationFunction.COUNT, "1h", "lifetime"),
            many("amount", "amount", null, ValueType.FLOAT64, AggregationFunction.SUM, "1h", "1d"),
            many("amount_avg", "amount", null, ValueType.FLOAT64, AggregationFunction.AVG, "1h", "lifetime"),
            many("trips_avg", "trips", null, ValueType.INT32, AggregationFunction.AVG, "1d"),
            many("amount_min", "amount", null, ValueType.FLOAT64, AggregationFunction.MIN, "1d"),
            many("amount_max", "amount", null, ValueType.FLOAT64, AggregationFunction.MAX, "1d", "lifetime"),
            many("amount_sd", "amount", null, ValueType.FLOAT64, AggregationFunction.STDDEV, "1d", "lifetime"),
            many("merchant", "merchant", null, ValueType.STRING, AggregationFunction.LAST, "1h", "lifetime"),
            new AggregationSpec(
                    "recent",
                    "merchant",
                    null,
                    ValueType.STRING,
                    AggregationFunction.LAST_N,
                    null,
                    List.of("1d", "lifetime"),
                    3,
                    null),
            many("merchants", "merchant", null, ValueType.STRING, AggregationFunction.COUNT_DISTINCT, "1d", "lifetime"),
            many("merchant_max", "merchant", null, ValueType.STRING, AggregationFunction.MAX, "1h"),
            new AggregationSpec(
                    "doubled", null, "amount * 2", ValueType.FLOAT64, AggregationFunction.SUM, "1h", null, null, null),
            many("seen", "ts", null, ValueType.TIMESTAMP, AggregationFunction.MAX, "1d"),
            many("trips_last", "trips", null, ValueType.INT32, AggregationFunction.LAST, "10m", "lifetime"));

    private static final List<AggregationSpec> SHORT_WINDOWS = List.of(
            many("events", null, null, null, AggregationFunction.COUNT, "10m", "1h"),
            many("trips", "trips", null, ValueType.INT32, AggregationFunction.SUM, "10m", "1h"),
            many("recent", "merchant", null, ValueType.STRING, AggregationFunction.LAST_N, "1h"));

    private static AggregationSpec many(
            String name,
            String column,
            String expression,
            ValueType type,
            AggregationFunction function,
            String... windows) {
        return new AggregationSpec(
                name,
                column,
                expression,
                type,
                function,
                null,
                List.of(windows),
                function == AggregationFunction.LAST_N ? 3 : null,
                null);
    }

    /** An event; any value may be null. */
    record Event(long key, Instant time, Integer trips, Double amount, String merchant) {}

    /** The clock requests are answered at: set by the test, as a pod's clock moves on. */
    static final class TestClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(START);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Property(tries = 6)
    void onlineAndHistoricalEqualNaiveSqlWindows(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        Path directory = Files.createTempDirectory("featureduck-windows");
        CREATED.add(directory);
        Path table = directory.resolve("events");
        Files.createDirectories(table);
        TestClock clock = new TestClock();
        ViewDefinition every = view("every", table, EVERY_FUNCTION);
        ViewDefinition recent = view("recent", table, SHORT_WINDOWS);
        Instant now = START.plus(Duration.ofDays(3));
        List<List<Event>> files = new ArrayList<>();
        files.add(events(random, now, 80));
        writeFile(table, 0, files.get(0));
        clock.now.set(now);
        OnlineIndexLoader loader = new OnlineIndexLoader(DuckDbSettings.defaults(), clock);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<Boolean> incremental = new ArrayList<>();
        try {
            ViewRegistry registry =
                    new ViewRegistry(List.of(every, recent), new TableSourceFactory(), loader, executor, clock);
            registry.addListener(new ViewRegistry.LoadListener() {
                @Override
                public void loaded(OnlineIndex index, Duration took, boolean merged) {
                    incremental.add(merged);
                }

                @Override
                public void failed(ViewDefinition definition, String error) {
                    throw new AssertionError(error);
                }
            });
            registry.loadAll().join();
            for (int step = 0; step < 6; step++) {
                checkOnline(registry, List.of(every, recent), table, now, clock);
                now = now.plus(Duration.ofMinutes(1 + random.nextInt(90)));
                clock.now.set(now);
                int change = random.nextInt(4);
                List<Integer> present = new ArrayList<>();
                for (int f = 0; f < files.size(); f++) {
                    if (Files.exists(table.resolve("part-" + f + ".parquet"))) {
                        present.add(f);
                    }
                }
                int file = present.get(random.nextInt(present.size()));
                if (change == 0 && present.size() > 1) {
                    Files.delete(table.resolve("part-" + file + ".parquet"));
                } else if (change == 1) {
                    // Rewritten: some rows updated, some deleted, as a compaction or a MERGE leaves a table.
                    Files.delete(table.resolve("part-" + file + ".parquet"));
                    files.add(events(random, now, 20));
                    writeFile(table, files.size() - 1, files.get(files.size() - 1));
                } else {
                    // Appended, as pushes arrive while serving: many late, some ahead of the clock.
                    files.add(events(random, now, 30));
                    writeFile(table, files.size() - 1, files.get(files.size() - 1));
                }
                touch(table);
                registry.refresh("every").join();
                registry.refresh("recent").join();
            }
            checkOnline(registry, List.of(every, recent), table, now, clock);
            checkHistorical(random, directory, every, table, now);
            checkParity(registry, every, directory);
        } finally {
            executor.shutdownNow();
        }
        assertThat(incremental).as("appends were merged into the served index").contains(true);
    }

    private static ViewDefinition view(String name, Path table, List<AggregationSpec> aggregations) {
        return new ViewDefinition(
                        name,
                        TableFormat.PARQUET,
                        new TableLocation(table),
                        "ts",
                        null,
                        List.of(new EntitySpec("k", ValueType.INT64)),
                        List.of(),
                        Optional.of(Duration.ofMinutes(30)),
                        true,
                        Optional.empty())
                .withAggregations(ViewAggregations.of(aggregations));
    }

    /** Bursts of events: several at one time, late ones well before {@code now}, a few after it. */
    private static List<Event> events(Random random, Instant now, int count) {
        List<Event> events = new ArrayList<>();
        while (events.size() < count) {
            long minutesBack = random.nextInt(4) == 0 ? random.nextInt(3 * 24 * 60) : random.nextInt(180);
            Instant time = now.minus(Duration.ofMinutes(minutesBack))
                    .plus(Duration.ofSeconds(random.nextInt(3) == 0 ? 0 : random.nextInt(60)));
            if (random.nextInt(20) == 0) {
                time = now.plus(Duration.ofMinutes(1 + random.nextInt(30)));
            }
            int burst = random.nextInt(5) == 0 ? 2 + random.nextInt(4) : 1;
            for (int b = 0; b < burst; b++) {
                events.add(new Event(
                        random.nextInt(KEYS),
                        time,
                        random.nextInt(6) == 0 ? null : random.nextInt(50) - 5,
                        random.nextInt(6) == 0 ? null : Math.round(random.nextGaussian() * 10_000) / 100.0,
                        random.nextInt(6) == 0 ? null : MERCHANTS.get(random.nextInt(MERCHANTS.size()))));
            }
        }
        return events;
    }

    private static void writeFile(Path table, int number, List<Event> events) throws Exception {
        Path file = table.resolve("part-" + number + ".parquet");
        Path staged = table.getParent().resolve("staged-" + number + ".parquet");
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(table.getParent()))) {
            String rows = events.stream()
                    .map(e -> "(" + e.key() + ", TIMESTAMPTZ '" + e.time() + "', "
                            + (e.trips() == null ? "NULL" : e.trips()) + ", "
                            + (e.amount() == null ? "NULL" : e.amount()) + ", "
                            + (e.merchant() == null ? "NULL" : "'" + e.merchant() + "'") + ")")
                    .collect(Collectors.joining(", "));
            String select = events.isEmpty()
                    ? "SELECT 1::BIGINT AS k, TIMESTAMPTZ '2026-01-01' AS ts, 1::INTEGER AS trips, 1.0::DOUBLE AS"
                            + " amount, 'x' AS merchant WHERE false"
                    : "SELECT k::BIGINT AS k, ts, trips::INTEGER AS trips, amount::DOUBLE AS amount, merchant::VARCHAR"
                            + " AS merchant FROM (VALUES " + rows + ") AS t(k, ts, trips, amount, merchant)";
            session.execute("COPY (" + select + ") TO '" + staged + "' (FORMAT parquet)");
        }
        Files.move(staged, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Plain Parquet tables are versioned by modification time; each change gets a later one. */
    private static void touch(Path table) throws IOException {
        FileTime time = FileTime.fromMillis(System.currentTimeMillis() + 1000 * VERSIONS.incrementAndGet());
        try (var files = Files.list(table)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, time);
            }
        }
        Files.setLastModifiedTime(table, time);
    }

    /** Online at the clock and after it, for every key and feature, against the naive SQL. */
    private static void checkOnline(
            ViewRegistry registry, List<ViewDefinition> views, Path table, Instant loaded, TestClock clock)
            throws Exception {
        for (ViewDefinition view : views) {
            OnlineIndex index = registry.view(view.name()).orElseThrow().index().orElseThrow();
            for (Duration later :
                    List.of(Duration.ZERO, Duration.ofMinutes(7), Duration.ofMinutes(61), Duration.ofHours(25))) {
                Instant end = loaded.plus(later);
                Map<Long, Map<String, Object>> expected = naive(view, table, end);
                List<AggregatedFeature> features = view.aggregations().features();
                for (long key = 0; key < KEYS; key++) {
                    int row = index.rowOf(key);
                    Map<String, Object> want = expected.get(key);
                    for (int f = 0; f < features.size(); f++) {
                        AggregatedFeature feature = features.get(f);
                        Object online =
                                row == EntityKeyIndex.ABSENT ? null : index.aggregate(f, row, EventTime.toMicros(end));
                        Object offline = want == null ? null : want.get(feature.name());
                        assertSame(
                                view.name() + " key " + key + " " + feature.name() + " at " + end,
                                online,
                                offline,
                                feature);
                    }
                }
            }
        }
    }

    /** Historical retrieval at random entity-row times (before, between and after events) against the naive SQL. */
    private static void checkHistorical(Random random, Path directory, ViewDefinition view, Path table, Instant now)
            throws Exception {
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long key = random.nextInt(KEYS + 2);
            long minutesBack = random.nextInt(4 * 24 * 60);
            rows.add(new long[] {key, EventTime.toMicros(now.minus(Duration.ofMinutes(minutesBack)))});
        }
        Path file = directory.resolve("entities.ndjson");
        Files.writeString(
                file,
                rows.stream()
                        .map(r -> "{\"k\": " + r[0] + ", \"event_timestamp\": \"" + EventTime.format(r[1]) + "\"}")
                        .collect(Collectors.joining("\n")));
        ServingConfig config = new ServingConfig(
                directory.resolve("store.yaml"),
                FeatureStore.of(
                        "s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.PARQUET, directory.toString()), null)),
                List.of(view));
        List<FeatureRef> refs = view.aggregations().features().stream()
                .map(f -> new FeatureRef(view.name(), f.name()))
                .toList();
        List<Map<String, Object>> answers = new ArrayList<>();
        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults())
                .retrieve(EntityRows.of(file), refs, false, rs -> {
                    while (rs.next()) {
                        Map<String, Object> answer = new HashMap<>();
                        for (AggregatedFeature feature : view.aggregations().features()) {
                            answer.put(feature.name(), rs.getObject(feature.name()));
                        }
                        answers.add(answer);
                    }
                });
        assertThat(answers).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Instant end = Instant.EPOCH.plus(Duration.ofNanos(rows.get(i)[1] * 1000));
            Map<String, Object> want = naive(view, table, end).get(rows.get(i)[0]);
            for (AggregatedFeature feature : view.aggregations().features()) {
                Object offline = want == null ? null : want.get(feature.name());
                assertSame(
                        "historical row " + i + " key " + rows.get(i)[0] + " " + feature.name() + " at " + end,
                        answers.get(i).get(feature.name()),
                        offline,
                        feature);
            }
        }
    }

    private static void checkParity(ViewRegistry registry, ViewDefinition view, Path directory) throws Exception {
        OnlineIndex index = registry.view(view.name()).orElseThrow().index().orElseThrow();
        ServingConfig config = new ServingConfig(
                directory.resolve("store.yaml"),
                FeatureStore.of(
                        "s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.PARQUET, directory.toString()), null)),
                List.of(view));
        ParityCheck.Report report = new ParityCheck(
                        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults()))
                .check(index, 0, directory);
        assertThat(report.differences())
                .as("parity of every aggregated feature")
                .isEmpty();
        assertThat(report.features()).containsAll(view.servedFeatureNames());
    }

    /**
     * The naive reading of every aggregated feature of {@code view} at {@code end}, by key: one GROUP BY over the raw
     * rows at or before {@code end}, each window a FILTER. Keys without such rows have no values.
     */
    private static Map<Long, Map<String, Object>> naive(ViewDefinition view, Path table, Instant end) throws Exception {
        long endMicros = EventTime.toMicros(end);
        List<String> columns = new ArrayList<>();
        for (AggregatedFeature feature : view.aggregations().features()) {
            AggregationSpec spec = view.aggregations().specs().get(feature.aggregation());
            String value = spec.column() != null ? spec.column() : spec.expression();
            String in = feature.window().isLifetime()
                    ? "true"
                    : "epoch_us(ts) > " + (endMicros - feature.window().micros());
            String nonNull = value == null ? in : in + " AND (" + value + ") IS NOT NULL";
            String sql = switch (feature.function()) {
                case COUNT ->
                    value == null
                            ? "count(*) FILTER (WHERE " + in + ")"
                            : "count(" + value + ") FILTER (WHERE " + in + ")";
                case SUM -> "sum(" + value + ") FILTER (WHERE " + in + ")";
                case AVG -> "avg(" + value + ") FILTER (WHERE " + in + ")";
                case MIN -> "min(" + value + ") FILTER (WHERE " + in + ")";
                case MAX -> "max(" + value + ") FILTER (WHERE " + in + ")";
                case COUNT_DISTINCT -> "count(DISTINCT " + value + ") FILTER (WHERE " + in + ")";
                case STDDEV -> "stddev_samp(" + value + ") FILTER (WHERE " + in + ")";
                case LAST ->
                    "arg_max(" + value + ", struct_pack(t := ts, v := " + value + ")) FILTER (WHERE " + nonNull + ")";
                case LAST_N ->
                    "coalesce(list(" + value + " ORDER BY ts DESC, " + value + " DESC) FILTER (WHERE " + nonNull
                            + "), [])[1:" + feature.n() + "]";
            };
            columns.add(sql + " AS \"" + feature.name() + "\"");
        }
        String sql = "SELECT k, " + String.join(", ", columns) + " FROM read_parquet('" + table
                + "/*.parquet') WHERE epoch_us(ts) <= " + endMicros + " GROUP BY k";
        Map<Long, Map<String, Object>> byKey = new HashMap<>();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(table));
                Statement statement = session.connection().createStatement()) {
            boolean any;
            try (var files = Files.list(table)) {
                any = files.anyMatch(f -> f.toString().endsWith(".parquet"));
            }
            if (!any) {
                return byKey;
            }
            try (ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    Map<String, Object> values = new HashMap<>();
                    for (AggregatedFeature feature : view.aggregations().features()) {
                        values.put(feature.name(), rs.getObject(feature.name()));
                    }
                    byKey.put(rs.getLong("k"), values);
                }
            }
        }
        return byKey;
    }

    private static void assertSame(String what, Object actual, Object expected, AggregatedFeature feature)
            throws Exception {
        Object a = comparable(actual, feature);
        Object e = comparable(expected, feature);
        if (a instanceof Double x && e instanceof Double y) {
            assertThat(x)
                    .as(what)
                    .isCloseTo(y, org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(y))));
        } else {
            assertThat(a).as(what).isEqualTo(e);
        }
    }

    /** One form for values online, from DuckDB and from historical retrieval. */
    private static Object comparable(Object value, AggregatedFeature feature) throws Exception {
        if (value == null) {
            return null;
        }
        if (value instanceof java.sql.Array array) {
            value = List.of((Object[]) array.getArray());
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (value instanceof java.time.OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof java.sql.Timestamp time) {
            return time.toInstant();
        }
        if (value instanceof Number number) {
            return switch (feature.type()) {
                case FLOAT32, FLOAT64 -> number.doubleValue();
                default -> number.longValue();
            };
        }
        return value;
    }

    @AfterContainer
    static void deleteTables() throws IOException {
        for (Path path : CREATED) {
            RandomHistory.deleteRecursively(path);
        }
    }
}
