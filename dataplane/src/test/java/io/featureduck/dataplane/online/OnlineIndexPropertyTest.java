package io.featureduck.dataplane.online;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.parity.ParityCheck;
import io.featureduck.dataplane.serving.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.hadoop.conf.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online lookups equal a naive reading of the definition: for each key, the row with the greatest event time (ties:
 * greatest created time, a missing created time losing), served only if not older than now minus the TTL. Histories
 * are random, written as real Delta tables over one to three commits, with ties, nulls and TTL edges.
 */
class OnlineIndexPropertyTest {
    private static final Engine ENGINE = DefaultEngine.create(new Configuration());
    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofHours(24);
    /** Now is BASE + 40h, so rows at hour 16 sit exactly on the TTL edge. */
    private static final Instant NOW = BASE.plus(Duration.ofHours(40));
    private static final List<Path> CREATED = new ArrayList<>();

    record HistoryRow(long key, int hour, Integer createdMinute, Double value) {
        Instant eventTime() {
            return BASE.plus(Duration.ofHours(hour));
        }
    }

    @Provide
    Arbitrary<List<List<HistoryRow>>> histories() {
        Arbitrary<HistoryRow> row = Combinators.combine(
                // Few keys and hours make ties frequent; hour 16 is exactly on the TTL edge, 15 just past it.
                Arbitraries.longs().between(0, 7),
                Arbitraries.of(0, 8, 15, 16, 17, 30, 40),
                Arbitraries.integers().between(0, 3).injectNull(0.2),
                Arbitraries.doubles().between(-1000, 1000).injectNull(0.1)).as(HistoryRow::new);
        return row.list().ofMinSize(0).ofMaxSize(60).list().ofMinSize(1).ofMaxSize(3);
    }

    @Property(tries = 25)
    void lookupsEqualLatestRowPerEntityWithinTtl(@ForAll("histories") List<List<HistoryRow>> commits) throws IOException {
        List<List<HistoryRow>> unique = withoutAmbiguousDuplicates(commits);
        Path table = Files.createTempDirectory("featureduck-property");
        CREATED.add(table);
        write(table, unique);

        ViewDefinition view = new ViewDefinition("prop", TableFormat.DELTA, new TableLocation(table), "ts", "created",
                List.of(new EntitySpec("k", ValueType.INT64)), List.of(new FeatureSpec("v", ValueType.FLOAT64)),
                Optional.of(TTL), true, Optional.empty());
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC))
                .load(view, new TableSourceFactory().forView(view));

        Map<Long, HistoryRow> expected = reference(unique.stream().flatMap(List::stream).toList());
        assertThat(index.size()).isEqualTo(expected.size());
        long nowMicros = EventTime.toMicros(NOW);
        for (long key = -1; key <= 8; key++) {
            int row = index.rowOf(key);
            HistoryRow latest = expected.get(key);
            if (latest == null) {
                assertThat(row).as("key %d", key).isEqualTo(EntityKeyIndex.ABSENT);
                continue;
            }
            assertThat(row).as("key %d", key).isNotEqualTo(EntityKeyIndex.ABSENT);
            assertThat(EventTime.toInstant(index.eventMicros(row))).isEqualTo(latest.eventTime());
            assertThat(index.column(0).value(row)).as("value of key %d", key).isEqualTo(latest.value());
            LookupStatus status = latest.eventTime().isBefore(NOW.minus(TTL))
                    ? LookupStatus.OUTSIDE_MAX_AGE : LookupStatus.PRESENT;
            assertThat(index.freshness(row, nowMicros)).as("status of key %d", key).isEqualTo(status);
        }

        // And historical retrieval as of the load time agrees with every online answer.
        ServingConfig config = new ServingConfig(table.resolve("store.yaml"), FeatureStore.of("s",
                new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, table.toString()), null)), List.of(view));
        ParityCheck.Report parity = new ParityCheck(new HistoricalRetrieval(config, new TableSourceFactory(),
                DuckDbSettings.defaults())).check(index, 0, Files.createTempDirectory(table, "parity"));
        assertThat(parity.differences()).isEmpty();
    }

    /** The naive reference: scan every row, keep the greatest (event time, created time) per key. */
    private static Map<Long, HistoryRow> reference(List<HistoryRow> rows) {
        Comparator<HistoryRow> order = Comparator.comparingInt(HistoryRow::hour)
                .thenComparing(HistoryRow::createdMinute, Comparator.nullsFirst(Comparator.naturalOrder()));
        Map<Long, HistoryRow> latest = new HashMap<>();
        for (HistoryRow row : rows) {
            latest.merge(row.key(), row, (a, b) -> order.compare(a, b) >= 0 ? a : b);
        }
        return latest;
    }

    /** Two rows equal in key, event time and created time have no defined winner, so histories never hold them. */
    private static List<List<HistoryRow>> withoutAmbiguousDuplicates(List<List<HistoryRow>> commits) {
        Set<String> seen = new HashSet<>();
        List<List<HistoryRow>> unique = new ArrayList<>();
        for (List<HistoryRow> commit : commits) {
            unique.add(commit.stream().filter(r -> seen.add(r.key() + "/" + r.hour() + "/" + r.createdMinute())).toList());
        }
        return unique;
    }

    private static void write(Path table, List<List<HistoryRow>> commits) {
        StructType schema = new StructType().add("k", LongType.LONG).add("ts", TimestampType.TIMESTAMP)
                .add("created", TimestampType.TIMESTAMP).add("v", DoubleType.DOUBLE);
        DeltaTableWriter writer = new DeltaTableWriter(ENGINE, table);
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(),
                List.of(table, DuckDbSettings.defaults().tempDirectory()))) {
            for (List<HistoryRow> commit : commits) {
                writer.append(session, select(commit), schema);
            }
        }
    }

    private static String select(List<HistoryRow> rows) {
        String columns = "SELECT CAST(NULL AS BIGINT) AS k, CAST(NULL AS TIMESTAMPTZ) AS ts, "
                + "CAST(NULL AS TIMESTAMPTZ) AS created, CAST(NULL AS DOUBLE) AS v WHERE false";
        if (rows.isEmpty()) {
            return columns;
        }
        return rows.stream().map(r -> "SELECT " + r.key() + "::BIGINT, TIMESTAMPTZ '" + r.eventTime() + "', "
                        + (r.createdMinute() == null ? "NULL::TIMESTAMPTZ"
                        : "TIMESTAMPTZ '" + r.eventTime().plus(Duration.ofMinutes(r.createdMinute())) + "'") + ", "
                        + (r.value() == null ? "NULL" : Double.toString(r.value())) + "::DOUBLE")
                .collect(Collectors.joining(" UNION ALL ", columns + " UNION ALL ", ""));
    }

    @AfterContainer
    static void deleteTables() throws IOException {
        for (Path table : CREATED) {
            try (var paths = Files.walk(table)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
