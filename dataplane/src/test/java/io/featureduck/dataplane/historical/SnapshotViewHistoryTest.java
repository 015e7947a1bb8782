package io.featureduck.dataplane.historical;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot views answer "as of T" from the table version current at T, through Delta's time travel. */
class SnapshotViewHistoryTest {
    private static final Engine ENGINE = DefaultEngine.create(new Configuration());

    @TempDir
    Path directory;

    private List<String> retrieve(ViewDefinition view, String feature, List<String> entityRows) throws Exception {
        Path rows = directory.resolve("rows-" + System.nanoTime() + ".ndjson");
        Files.writeString(rows, String.join("\n", entityRows));
        ServingConfig config = new ServingConfig(
                directory.resolve("s.yaml"),
                FeatureStore.of(
                        "s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, directory.toString()), null)),
                List.of(view));
        List<String> values = new ArrayList<>();
        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults())
                .retrieve(EntityRows.of(rows), List.of(new FeatureRef(view.name(), feature)), false, rs -> {
                    while (rs.next()) {
                        values.add(rs.getString(feature));
                    }
                });
        return values;
    }

    @Test
    void eachEntityRowSeesTheVersionCurrentAtItsTime() throws Exception {
        Path table = directory.resolve("profiles");
        StructType schema = new StructType().add("id", LongType.LONG).add("name", StringType.STRING);
        DeltaTableWriter writer = new DeltaTableWriter(ENGINE, table);
        try (DuckDbSession session = DuckDbSession.open(
                DuckDbSettings.defaults(),
                List.of(directory, DuckDbSettings.defaults().tempDirectory()))) {
            writer.append(session, "SELECT 1::BIGINT AS id, 'one' AS name UNION ALL SELECT 2, 'two'", schema);
            Thread.sleep(50);
            writer.append(session, "SELECT 3::BIGINT AS id, 'three' AS name", schema);
        }
        ViewDefinition view = new ViewDefinition(
                "profiles",
                TableFormat.DELTA,
                new TableLocation(table),
                null,
                null,
                List.of(new EntitySpec("id", ValueType.INT64)),
                List.of(new FeatureSpec("name", ValueType.STRING)),
                Optional.empty(),
                true,
                Optional.empty());
        TableSource source = new TableSourceFactory().forView(view);
        Instant v0 = source.snapshotAt(0).commitTime();
        Instant v1 = source.snapshotAt(1).commitTime();
        assertThat(v1).isAfter(v0);

        List<String> values = retrieve(
                view,
                "name",
                List.of(
                        row(1, v0.minusSeconds(60)),
                        row(1, v0),
                        row(3, v0),
                        row(3, v1),
                        row(2, v1.plusSeconds(3600)),
                        row(9, v1)));

        assertThat(values).containsExactly(null, "one", null, "three", "two", null);

        // Pinned to version 0: every time after the pin sees version 0, so key 3 (added by version 1) is unknown;
        // times before the pin's commit still see nothing, as the table did not exist yet.
        ViewDefinition pinned = view.withPin(Optional.of(io.featureduck.crds.TablePin.ofVersion(0)));
        assertThat(retrieve(
                        pinned,
                        "name",
                        List.of(row(1, v0.minusSeconds(60)), row(1, v0), row(3, v1), row(2, v1.plusSeconds(3600)))))
                .containsExactly(null, "one", null, "two");
    }

    /**
     * A Spark-written table copied byte for byte: its commit files share one modification time, so versions cannot
     * be told apart by time and "as of" any time after the copy is the latest version, whose keys are all answered;
     * keys only earlier versions held (overwritten at version 2) are absent, and times before the copy see nothing.
     */
    @Test
    void answersASparkWrittenTableAsOfItsLatestVersion() throws Exception {
        Path table = SharedTestData.delta("snapshot-data3");
        ViewDefinition view = new ViewDefinition(
                "data3",
                TableFormat.DELTA,
                new TableLocation(table),
                null,
                null,
                List.of(new EntitySpec("col2", ValueType.STRING)),
                List.of(new FeatureSpec("col1", ValueType.INT32)),
                Optional.empty(),
                true,
                Optional.empty());
        TableSource source = new TableSourceFactory().forView(view);
        TableSnapshot latest = source.latestSnapshot();
        List<String> latestKeys = keys(table, latest);
        List<String> firstKeys = keys(table, source.snapshotAt(0));
        assertThat(latestKeys).hasSize(30);
        Instant at = latest.commitTime();

        assertThat(retrieve(
                        view, "col1", latestKeys.stream().map(k -> row(k, at)).toList()))
                .hasSize(30)
                .doesNotContainNull();
        List<String> overwritten =
                firstKeys.stream().filter(k -> !latestKeys.contains(k)).toList();
        assertThat(overwritten).isNotEmpty();
        assertThat(retrieve(
                        view, "col1", overwritten.stream().map(k -> row(k, at)).toList()))
                .containsOnlyNulls();
        assertThat(retrieve(view, "col1", List.of(row(latestKeys.get(0), at.minusSeconds(1)))))
                .containsOnlyNulls();
    }

    private static List<String> keys(Path table, TableSnapshot snapshot) throws Exception {
        List<String> keys = new ArrayList<>();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(table));
                Statement statement = session.connection().createStatement()) {
            new SnapshotRelation(snapshot).register(session, "v");
            try (ResultSet rs = statement.executeQuery("SELECT col2 FROM v ORDER BY col2")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    private static String row(String key, Instant at) {
        return "{\"col2\": \"" + key + "\", \"event_timestamp\": \"" + at + "\"}";
    }

    private static String row(long id, Instant at) {
        return "{\"id\": " + id + ", \"event_timestamp\": \"" + at + "\"}";
    }
}
