package io.featureduck.dataplane.historical;

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
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.serving.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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
 * Point-in-time joins equal a naive reading of the definition, computed row by row in the test: for each entity row,
 * the source row of its key with the greatest event time at or before the row's time (ties: greatest created time,
 * a missing created time losing), absent when older than the TTL. Random histories over one to three Delta commits;
 * random entity rows with unknown keys, duplicates, exact-time matches and TTL edges.
 */
class PointInTimeJoinPropertyTest {
    private static final Engine ENGINE = DefaultEngine.create(new Configuration());
    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofHours(10);
    private static final List<Path> CREATED = new ArrayList<>();

    record HistoryRow(long key, int hour, Integer createdMinute, Double value) {
        Instant eventTime() {
            return BASE.plus(Duration.ofHours(hour));
        }
    }

    record EntityRow(long key, int hour, String label) {
        Instant time() {
            return BASE.plus(Duration.ofHours(hour));
        }
    }

    @Provide
    Arbitrary<List<List<HistoryRow>>> histories() {
        Arbitrary<HistoryRow> row = Combinators.combine(
                Arbitraries.longs().between(0, 5),
                Arbitraries.of(0, 5, 10, 12, 20, 30),
                Arbitraries.integers().between(0, 3).injectNull(0.2),
                Arbitraries.doubles().between(-100, 100).injectNull(0.1)).as(HistoryRow::new);
        return row.list().ofMaxSize(40).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<EntityRow>> entityRows() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 6),
                // Exact event hours, TTL edges (event hour + 10) and hours before any history.
                Arbitraries.of(-1, 0, 4, 5, 10, 12, 15, 20, 22, 30, 40),
                Arbitraries.strings().alpha().ofMaxLength(3)).as(EntityRow::new).list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 25)
    void joinEqualsNaiveReference(@ForAll("histories") List<List<HistoryRow>> commits,
                                  @ForAll("entityRows") List<EntityRow> entities) throws Exception {
        List<List<HistoryRow>> history = withoutAmbiguousDuplicates(commits);
        Path dir = Files.createTempDirectory("featureduck-pit");
        CREATED.add(dir);
        writeTable(dir.resolve("table"), history);
        Path rows = dir.resolve("entities.ndjson");
        Files.writeString(rows, entities.stream().map(e -> "{\"k\": " + e.key() + ", \"event_timestamp\": \""
                + e.time() + "\", \"label\": \"" + e.label() + "\"}").collect(Collectors.joining("\n")));

        ViewDefinition view = new ViewDefinition("prop", TableFormat.DELTA, new TableLocation(dir.resolve("table")),
                "ts", "created", List.of(new EntitySpec("k", ValueType.INT64)),
                List.of(new FeatureSpec("v", ValueType.FLOAT64)), Optional.of(TTL), true, Optional.empty());
        ServingConfig config = new ServingConfig(dir.resolve("store.yaml"),
                FeatureStore.of("s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, dir.toString()), null)),
                List.of(view));
        List<Object[]> actual = new ArrayList<>();
        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults()).retrieve(
                EntityRows.of(rows), List.of(FeatureRef.parse("prop:v")), false, rs -> {
                    assertThat(rs.getMetaData().getColumnCount()).isEqualTo(4);
                    assertThat(rs.getMetaData().getColumnName(4)).isEqualTo("v");
                    while (rs.next()) {
                        long key = rs.getLong("k");
                        String label = rs.getString("label");
                        double v = rs.getDouble("v");
                        actual.add(new Object[]{key, label, rs.wasNull() ? null : v});
                    }
                });

        List<HistoryRow> all = history.stream().flatMap(List::stream).toList();
        assertThat(actual).hasSameSizeAs(entities);
        for (int i = 0; i < entities.size(); i++) {
            EntityRow entity = entities.get(i);
            assertThat(actual.get(i)[0]).as("row %d key", i).isEqualTo(entity.key());
            assertThat(actual.get(i)[1]).as("row %d passes its extra column through", i).isEqualTo(entity.label());
            assertThat(actual.get(i)[2]).as("row %d: %s", i, entity).isEqualTo(expected(all, entity));
        }
    }

    private static Double expected(List<HistoryRow> history, EntityRow entity) {
        Comparator<HistoryRow> order = Comparator.comparingInt(HistoryRow::hour)
                .thenComparing(HistoryRow::createdMinute, Comparator.nullsFirst(Comparator.naturalOrder()));
        Optional<HistoryRow> latest = history.stream()
                .filter(r -> r.key() == entity.key() && !r.eventTime().isAfter(entity.time()))
                .max(order);
        if (latest.isEmpty() || latest.get().eventTime().isBefore(entity.time().minus(TTL))) {
            return null;
        }
        return latest.get().value();
    }

    private static List<List<HistoryRow>> withoutAmbiguousDuplicates(List<List<HistoryRow>> commits) {
        Set<String> seen = new HashSet<>();
        List<List<HistoryRow>> unique = new ArrayList<>();
        for (List<HistoryRow> commit : commits) {
            unique.add(commit.stream().filter(r -> seen.add(r.key() + "/" + r.hour() + "/" + r.createdMinute())).toList());
        }
        return unique;
    }

    private static void writeTable(Path table, List<List<HistoryRow>> commits) {
        StructType schema = new StructType().add("k", LongType.LONG).add("ts", TimestampType.TIMESTAMP)
                .add("created", TimestampType.TIMESTAMP).add("v", DoubleType.DOUBLE);
        DeltaTableWriter writer = new DeltaTableWriter(ENGINE, table);
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(),
                List.of(table.getParent(), DuckDbSettings.defaults().tempDirectory()))) {
            for (List<HistoryRow> commit : commits) {
                String columns = "SELECT CAST(NULL AS BIGINT) AS k, CAST(NULL AS TIMESTAMPTZ) AS ts, "
                        + "CAST(NULL AS TIMESTAMPTZ) AS created, CAST(NULL AS DOUBLE) AS v WHERE false";
                String select = commit.stream().map(r -> " UNION ALL SELECT " + r.key() + ", TIMESTAMPTZ '"
                        + r.eventTime() + "', " + (r.createdMinute() == null ? "NULL" : "TIMESTAMPTZ '"
                        + r.eventTime().plus(Duration.ofMinutes(r.createdMinute())) + "'") + ", "
                        + (r.value() == null ? "NULL" : Double.toString(r.value()))).collect(Collectors.joining());
                writer.append(session, columns + select, schema);
            }
        }
    }

    @AfterContainer
    static void deleteTables() throws IOException {
        for (Path dir : CREATED) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
