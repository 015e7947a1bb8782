package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.ComparableValues;
import io.featureduck.dataplane.KernelReferenceReader;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.DuckDbTypes;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.parity.ParityCheck;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Delta table in the shared conformance set, written by Spark or delta-rs, is served exactly as Delta Kernel's
 * own reader reads it: deletion vectors, column mapping, classic and v2 checkpoints, partition values (nulls,
 * escaped paths, every primitive type) and timestampNtz included.
 */
class DeltaConformanceTest {
    private static final Engine ENGINE = DefaultEngine.create(new Configuration());

    static Stream<Arguments> tablesWithUniqueKey() {
        return Stream.of(
                Arguments.of("basic-with-inserts-deletes-checkpoint", "id", 41, 13),
                Arguments.of("basic-with-inserts-updates", "id", 100, 1),
                Arguments.of("data-reader-partition-values", "value", 3, 0),
                Arguments.of("data-reader-timestamp_ntz", "id", 9, 1),
                Arguments.of("delta-rs-partition-type-primitives", "id", 16, 0),
                Arguments.of("dv-partitioned-with-checkpoint", "col1", 35, 15),
                Arguments.of("dv-with-columnmapping", "col1", 35, 15),
                Arguments.of("snapshot-data3", "col2", 30, 3),
                Arguments.of("table-with-columnmapping-mode-name", "IntegerType", 6, 0),
                Arguments.of("time-travel-schema-changes-b", "id", 20, 1),
                Arguments.of("v2-checkpoint-parquet", "id", 10, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tablesWithUniqueKey")
    void duckDbReadsTheSameRowsAsKernel(String table, String key, int rows, long version) throws Exception {
        Path path = SharedTestData.delta(table);
        TableSnapshot snapshot = new DeltaTableSource(ENGINE, path).latestSnapshot();
        assertThat(snapshot.version()).isEqualTo(version);

        List<Map<String, Object>> expected = KernelReferenceReader.readAll(ENGINE, path);
        List<Map<String, Object>> actual = readThroughDuckDb(snapshot, path);

        assertThat(expected).hasSize(rows);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tablesWithUniqueKey")
    void servesEveryRowAsASnapshotViewKeyedByAUniqueColumn(String table, String key, int rows, long version)
            throws Exception {
        Path path = SharedTestData.delta(table);
        TableSnapshot snapshot = new DeltaTableSource(ENGINE, path).latestSnapshot();
        ViewDefinition view = snapshotView(table, path, snapshot, key);
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()).load(view, snapshot);

        // A row without a key cannot be looked up, so it is not served.
        List<Map<String, Object>> expected = KernelReferenceReader.readAll(ENGINE, path).stream()
                .filter(row -> row.get(key) != null)
                .toList();
        assertThat(index.size()).isEqualTo(expected.size());
        assertThat(index.tableVersion()).isEqualTo(version);
        EntitySpec entity = view.entities().get(0);
        for (Map<String, Object> row : expected) {
            Object keyValue = canonicalKey(row.get(key), entity.type());
            int found = index.rowOf(keyValue);
            assertThat(found).as("row of key %s", keyValue).isNotEqualTo(EntityKeyIndex.ABSENT);
            assertThat(EventTime.toInstant(index.eventMicros(found))).isEqualTo(snapshot.commitTime());
            for (FeatureSpec feature : view.features()) {
                Object served = ComparableValues.of(
                        index.column(index.featurePosition(feature.name())).value(found));
                assertThat(served)
                        .as("%s of %s=%s", feature.name(), key, keyValue)
                        .isEqualTo(row.get(feature.name()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tablesWithUniqueKey")
    void onlineAndHistoricalAgreeAsSnapshotViews(String table, String key, int rows, long version, @TempDir Path work)
            throws Exception {
        Path path = SharedTestData.delta(table);
        TableSnapshot snapshot = new DeltaTableSource(ENGINE, path).latestSnapshot();
        ViewDefinition columns = snapshotView(table, path, snapshot, key);
        // A table of only its key still gets a feature, computed from the key.
        ViewDefinition view = columns.features().isEmpty()
                ? new ViewDefinition(
                        columns.name(),
                        columns.format(),
                        columns.location(),
                        null,
                        null,
                        columns.entities(),
                        List.of(new FeatureSpec("key_text", ValueType.STRING, "CAST(" + key + " AS VARCHAR)", null)),
                        Optional.empty(),
                        true,
                        Optional.empty())
                : columns;
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()).load(view, snapshot);
        ServingConfig config = new ServingConfig(
                work.resolve("store.yaml"),
                FeatureStore.of("s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, path.toString()), null)),
                List.of(view));

        ParityCheck.Report report = new ParityCheck(
                        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults()))
                .check(index, 0, work);

        assertThat(report.entitiesChecked()).isEqualTo(index.size());
        assertThat(report.differences()).isEmpty();
    }

    @Test
    void snapshotViewOverATableWithRepeatedKeysFailsNamingTheKey() {
        Path path = SharedTestData.delta("delta-rs-python-0.25.5-checkpoint");
        TableSnapshot snapshot = new DeltaTableSource(ENGINE, path).latestSnapshot();
        ViewDefinition view = snapshotView("repeated", path, snapshot, "x");

        assertThatThrownBy(
                        () -> new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()).load(view, snapshot))
                .isInstanceOfSatisfying(
                        FeatureDuckException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.VIEW_DEFINITION_MISMATCH))
                .hasMessageStartingWith("FeatureView 'repeated': ")
                .hasMessageMatching("(?s).*has [0-9]+ rows for x=[0-9]+.*");
    }

    @Test
    void columnMappedNestedFieldsKeepTheirLogicalNames() throws Exception {
        Path path = SharedTestData.delta("table-with-columnmapping-mode-name");
        TableSnapshot snapshot = new DeltaTableSource(ENGINE, path).latestSnapshot();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(path));
                Statement statement = session.connection().createStatement()) {
            new SnapshotRelation(snapshot).register(session, "source");
            try (ResultSet rs = statement.executeQuery(
                    "SELECT nested_struct.ac.aca, array_of_structs[1].ab FROM source WHERE IntegerType = 4")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(4);
                assertThat(rs.getInt(2)).isEqualTo(4);
            }
        }
    }

    @Test
    void missingTableFailsWithItsPath() {
        Path missing = SharedTestData.projectRoot().resolve("target/no-such-table");
        assertThatThrownBy(() -> new DeltaTableSource(ENGINE, missing).latestSnapshot())
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining(missing.toString());
    }

    private static List<Map<String, Object>> readThroughDuckDb(TableSnapshot snapshot, Path path) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(path));
                Statement statement = session.connection().createStatement()) {
            new SnapshotRelation(snapshot).register(session, "source");
            try (ResultSet rs = statement.executeQuery("SELECT * FROM source")) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        SourceColumn column = snapshot.columns().get(i - 1);
                        if (column.type() instanceof ColumnType.Primitive
                                && valueType(column.type()).isPresent()) {
                            row.put(column.name(), ComparableValues.of(rs.getObject(i)));
                        }
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static ViewDefinition snapshotView(String name, Path path, TableSnapshot snapshot, String key) {
        SourceColumn keyColumn = snapshot.column(key).orElseThrow();
        List<FeatureSpec> features = snapshot.columns().stream()
                .filter(c -> !c.name().equals(key) && c.type() instanceof ColumnType.Primitive)
                .flatMap(c -> valueType(c.type()).map(t -> new FeatureSpec(c.name(), t)).stream())
                .toList();
        return new ViewDefinition(
                name,
                TableFormat.DELTA,
                new TableLocation(path),
                null,
                null,
                List.of(new EntitySpec(key, valueType(keyColumn.type()).orElseThrow())),
                features,
                Optional.empty(),
                true,
                Optional.empty());
    }

    private static Object canonicalKey(Object comparable, ValueType type) {
        return switch (type) {
            case INT32, INT64 -> comparable;
            case STRING -> comparable;
            default -> throw new IllegalArgumentException(type + " key in test");
        };
    }

    static Optional<ValueType> valueType(ColumnType type) {
        String duck = DuckDbTypes.of(type);
        if (duck.startsWith("DECIMAL")) {
            return Optional.of(ValueType.FLOAT64);
        }
        return Optional.ofNullable(
                switch (duck) {
                    case "TINYINT", "SMALLINT", "INTEGER" -> ValueType.INT32;
                    case "BIGINT" -> ValueType.INT64;
                    case "FLOAT" -> ValueType.FLOAT32;
                    case "DOUBLE" -> ValueType.FLOAT64;
                    case "VARCHAR" -> ValueType.STRING;
                    case "BOOLEAN" -> ValueType.BOOL;
                    case "DATE" -> ValueType.DATE;
                    case "TIMESTAMPTZ", "TIMESTAMP" -> ValueType.TIMESTAMP;
                    default -> null;
                });
    }
}
