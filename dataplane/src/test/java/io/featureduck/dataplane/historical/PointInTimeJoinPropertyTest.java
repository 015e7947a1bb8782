package io.featureduck.dataplane.historical;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.RandomHistory;
import io.featureduck.dataplane.RandomHistory.Row;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.hadoop.conf.Configuration;

/**
 * Point-in-time joins equal a naive reading of the definition, computed row by row in the test: for each entity row,
 * the source row of its key with the greatest event time at or before the row's time (ties: greatest created time,
 * a missing created time losing), absent when older than the TTL. Random histories over one to three Delta commits;
 * random entity rows with unknown keys, duplicates, exact-time matches and TTL edges.
 */
class PointInTimeJoinPropertyTest {
    private static final Engine ENGINE = DefaultEngine.create(new Configuration());
    private static final Duration TTL = Duration.ofHours(10);
    private static final List<Path> CREATED = new ArrayList<>();

    record EntityRow(long key, int hour, String label) {
        Instant time() {
            return RandomHistory.BASE.plus(Duration.ofHours(hour));
        }
    }

    @Provide
    Arbitrary<List<List<Row>>> histories() {
        return RandomHistory.commits(5, Arbitraries.of(0, 5, 10, 12, 20, 30), 40);
    }

    @Provide
    Arbitrary<List<EntityRow>> entityRows() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, 6),
                        // Exact event hours, TTL edges (event hour + 10) and hours before any history.
                        Arbitraries.of(-1, 0, 4, 5, 10, 12, 15, 20, 22, 30, 40),
                        Arbitraries.strings().alpha().ofMaxLength(3))
                .as(EntityRow::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }

    @Property(tries = 25)
    void joinEqualsNaiveReference(
            @ForAll("histories") List<List<Row>> commits, @ForAll("entityRows") List<EntityRow> entities)
            throws Exception {
        List<List<Row>> history = RandomHistory.withoutAmbiguousDuplicates(commits);
        Path dir = Files.createTempDirectory("featureduck-pit");
        CREATED.add(dir);
        RandomHistory.writeDeltaTable(dir.resolve("table"), history);
        Path rows = dir.resolve("entities.ndjson");
        Files.writeString(
                rows,
                entities.stream()
                        .map(e -> "{\"k\": " + e.key() + ", \"event_timestamp\": \"" + e.time() + "\", \"label\": \""
                                + e.label() + "\"}")
                        .collect(Collectors.joining("\n")));

        ViewDefinition view = new ViewDefinition(
                "prop",
                TableFormat.DELTA,
                new TableLocation(dir.resolve("table")),
                "ts",
                "created",
                List.of(new EntitySpec("k", ValueType.INT64)),
                List.of(new FeatureSpec("v", ValueType.FLOAT64)),
                Optional.of(TTL),
                true,
                Optional.empty());
        ServingConfig config = new ServingConfig(
                dir.resolve("store.yaml"),
                FeatureStore.of("s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, dir.toString()), null)),
                List.of(view));
        List<Object[]> actual = new ArrayList<>();
        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults())
                .retrieve(EntityRows.of(rows), List.of(FeatureRef.parse("prop:v")), false, rs -> {
                    assertThat(rs.getMetaData().getColumnCount()).isEqualTo(4);
                    assertThat(rs.getMetaData().getColumnName(4)).isEqualTo("v");
                    while (rs.next()) {
                        long key = rs.getLong("k");
                        String label = rs.getString("label");
                        double v = rs.getDouble("v");
                        actual.add(new Object[] {key, label, rs.wasNull() ? null : v});
                    }
                });

        List<Row> all = history.stream().flatMap(List::stream).toList();
        assertThat(actual).hasSameSizeAs(entities);
        for (int i = 0; i < entities.size(); i++) {
            EntityRow entity = entities.get(i);
            assertThat(actual.get(i)[0]).as("row %d key", i).isEqualTo(entity.key());
            assertThat(actual.get(i)[1])
                    .as("row %d passes its extra column through", i)
                    .isEqualTo(entity.label());
            assertThat(actual.get(i)[2]).as("row %d: %s", i, entity).isEqualTo(expected(all, entity));
        }
    }

    private static Double expected(List<Row> history, EntityRow entity) {
        Optional<Row> latest = history.stream()
                .filter(r -> r.key() == entity.key() && !r.eventTime().isAfter(entity.time()))
                .max(RandomHistory.LATEST_LAST);
        if (latest.isEmpty() || latest.get().eventTime().isBefore(entity.time().minus(TTL))) {
            return null;
        }
        return latest.get().value();
    }

    @AfterContainer
    static void deleteTables() throws IOException {
        for (Path dir : CREATED) {
            RandomHistory.deleteRecursively(dir);
        }
    }
}
