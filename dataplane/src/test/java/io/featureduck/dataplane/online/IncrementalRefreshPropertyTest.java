package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.RandomHistory;
import io.featureduck.dataplane.RandomHistory.Row;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A refresh that merges only the appended files into the served index gives exactly the index a full load of the
 * same version gives (same keys, event times and values), over random histories full of late rows, ties broken by
 * created time and missing created times, each appended version applied by the registry's own refresh.
 */
class IncrementalRefreshPropertyTest {
    private static final List<Path> CREATED = new ArrayList<>();

    @Provide
    Arbitrary<List<List<Row>>> histories() {
        return RandomHistory.commits(12, Arbitraries.of(0, 1, 5, 8, 8, 20), 40, 3, 6);
    }

    @Property(tries = 15)
    void incrementalRefreshEqualsAFullLoad(@ForAll("histories") List<List<Row>> commits) throws IOException {
        List<List<Row>> unique = RandomHistory.withoutAmbiguousDuplicates(commits);
        Path directory = Files.createTempDirectory("featureduck-incremental");
        CREATED.add(directory);
        Path table = directory.resolve("t");
        RandomHistory.writeDeltaTable(table, unique.subList(0, 1));

        ViewDefinition view = new ViewDefinition(
                "prop",
                TableFormat.DELTA,
                new TableLocation(table),
                "ts",
                "created",
                List.of(new EntitySpec("k", ValueType.INT64)),
                List.of(new FeatureSpec("v", ValueType.FLOAT64)),
                Optional.empty(),
                true,
                Optional.empty());
        OnlineIndexLoader loader = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<Boolean> kinds = new ArrayList<>();
        try {
            ViewRegistry registry =
                    new ViewRegistry(List.of(view), new TableSourceFactory(), loader, executor, Clock.systemUTC());
            registry.addListener(new ViewRegistry.LoadListener() {
                @Override
                public void loaded(OnlineIndex index, Duration took, boolean incremental) {
                    kinds.add(incremental);
                }

                @Override
                public void failed(ViewDefinition definition, String error) {
                    throw new AssertionError(error);
                }
            });
            registry.loadAll().join();
            for (int commit = 1; commit < unique.size(); commit++) {
                RandomHistory.appendToDeltaTable(table, unique.get(commit));
                registry.refresh("prop").join();
                OnlineIndex refreshed =
                        registry.view("prop").orElseThrow().index().orElseThrow();
                OnlineIndex full =
                        loader.load(view, new TableSourceFactory().forView(view).latestSnapshot());
                assertSameIndex(refreshed, full);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(kinds.subList(1, kinds.size()))
                .as("every appended version merged incrementally")
                .allMatch(incremental -> incremental);
    }

    private static void assertSameIndex(OnlineIndex actual, OnlineIndex expected) {
        assertThat(actual.tableVersion()).isEqualTo(expected.tableVersion());
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.sourceRows()).isEqualTo(expected.sourceRows());
        for (Object key : expected.keys()) {
            int e = expected.rowOf(key);
            int a = actual.rowOf(key);
            assertThat(a).as("key %s", key).isNotEqualTo(EntityKeyIndex.ABSENT);
            assertThat(actual.eventMicros(a)).as("event time of key %s", key).isEqualTo(expected.eventMicros(e));
            assertThat(actual.column(0).value(a))
                    .as("value of key %s", key)
                    .isEqualTo(expected.column(0).value(e));
        }
    }

    @AfterContainer
    static void deleteTables() throws IOException {
        for (Path path : CREATED) {
            RandomHistory.deleteRecursively(path);
        }
    }
}
