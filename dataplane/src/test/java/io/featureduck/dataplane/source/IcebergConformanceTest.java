package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.crds.PathRewrite;
import io.featureduck.dataplane.ComparableValues;
import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.DuckDbTypes;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Iceberg table in the shared conformance set (Spark, pyiceberg, DuckDB-written data; v1 and v2; equality
 * deletes; partition spec evolution with partition values only in the manifests) reads through FeatureDuck exactly as
 * Iceberg's own record reader reads it, with the tables' recorded paths mapped onto where they are now by
 * {@code pathRewrite}.
 */
class IcebergConformanceTest {
    private static final Configuration HADOOP = TableSourceFactory.hadoopConfiguration();

    static Stream<Arguments> tables() {
        return Stream.of(
                Arguments.of("spark-lineitem-v2-overwrite", "lineitem_iceberg/", 51_793),
                Arguments.of("spark-v1-partitioned", "data/persistent/iceberg_v1_deprecated/default/legacy_v1/", 3),
                Arguments.of(
                        "spark-v2-equality-deletes", "data/persistent/equality_deletes/warehouse/mydb/mytable/", 2),
                Arguments.of(
                        "spark-v2-equality-deletes-partitioned",
                        "data/persistent/equality_deletes/warehouse/mydb/mytable_partitioned/",
                        3),
                Arguments.of("v2-partition-spec-evolution", "data/persistent/hive_partitioned_table/", 6),
                Arguments.of(
                        "pyiceberg-day-partitioned-map", "file://data/persistent/map_stats/default.db/map_stats/", 2));
    }

    static TableLocation location(String table, String prefix) {
        Path path = SharedTestData.iceberg(table);
        return new TableLocation(path, List.of(new PathRewrite(prefix, path + "/")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void duckDbReadsTheSameRowsAsIcebergsOwnReader(String table, String prefix, int rows) throws Exception {
        TableLocation location = location(table, prefix);
        TableSnapshot snapshot = new IcebergTableSource(location, HADOOP).latestSnapshot();

        // Its data files were rewritten by DuckDB after Spark wrote the manifests, whose recorded file sizes Iceberg's
        // own reader trusts and fails on; its reference is the files' rows with partition values from directory names.
        List<Map<String, Object>> expected = table.equals("v2-partition-spec-evolution")
                ? hivePartitionedRows(location.path(), snapshot)
                : referenceRows(location, snapshot);
        List<Map<String, Object>> actual = readThroughDuckDb(snapshot, location.path());
        assertThat(expected).hasSize(rows);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void equalityDeletesLeaveTheRowsTheReadmeNames() throws Exception {
        assertThat(ids("spark-v2-equality-deletes", "data/persistent/equality_deletes/warehouse/mydb/mytable/"))
                .containsExactlyInAnyOrder(4L, 5L);
        assertThat(ids(
                        "spark-v2-equality-deletes-partitioned",
                        "data/persistent/equality_deletes/warehouse/mydb/mytable_partitioned/"))
                .containsExactlyInAnyOrder(1L, 4L, 5L);
    }

    /**
     * Point-in-time retrieval of a snapshot view reads every version current in the entity rows' time range; Iceberg
     * numbers its versions from 1, so a range that starts before the table's first snapshot must not ask for a
     * version 0 (it did: "has no version 0").
     */
    @Test
    void theVersionsOfATimeRangeAreTheTablesSnapshots() {
        IcebergTableSource source = new IcebergTableSource(
                location("spark-v2-equality-deletes", "data/persistent/equality_deletes/warehouse/mydb/mytable/"),
                HADOOP);
        java.time.Instant future = java.time.Instant.parse("2100-01-01T00:00:00Z");
        List<Long> all = source.versionsBetween(java.time.Instant.EPOCH, future);
        assertThat(all).hasSize(6).doesNotContain(0L).isSorted();
        // Only the current snapshot's manifests were copied into the shared tables, so only it can be read.
        assertThat(all.get(all.size() - 1)).isEqualTo(source.latestSnapshot().version());
        assertThat(source.versionsBetween(future, future)).containsExactly(all.get(all.size() - 1));
        assertThat(source.versionsBetween(java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(1)))
                .isEmpty();
    }

    @Test
    void identityPartitionValuesMissingFromTheFilesComeFromTheManifests() throws Exception {
        TableLocation location = location("v2-partition-spec-evolution", "data/persistent/hive_partitioned_table/");
        TableSnapshot snapshot = new IcebergTableSource(location, HADOOP).latestSnapshot();
        assertThat(readThroughDuckDb(snapshot, location.path())).allSatisfy(row -> {
            assertThat(row.get("event_date")).isNotNull();
            assertThat(row.get("event_type")).isNotNull();
        });
    }

    @Test
    void aCopiedTableWithoutPathRewriteFailsSayingWhatToDo() {
        TableLocation unmapped = new TableLocation(SharedTestData.iceberg("spark-v2-equality-deletes"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new IcebergTableSource(unmapped, HADOOP).latestSnapshot())
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("spark-v2-equality-deletes")
                .hasMessageContaining("spec.source.pathRewrite");
    }

    @Test
    void versionsAndTimeTravelFollowTheSnapshotLog() {
        TableLocation location =
                location("spark-v2-equality-deletes", "data/persistent/equality_deletes/warehouse/mydb/mytable/");
        IcebergTableSource source = new IcebergTableSource(location, HADOOP);
        TableSnapshot latest = source.latestSnapshot();
        assertThat(latest.version()).isEqualTo(6);
        TableSnapshot first = source.snapshotAt(1);
        assertThat(first.commitTime()).isBefore(latest.commitTime());
        assertThat(source.versionAsOf(first.commitTime())).hasValue(1);
        assertThat(source.versionAsOf(first.commitTime().minusSeconds(1))).isEmpty();
        assertThat(source.versionAsOf(latest.commitTime().plusSeconds(60))).hasValue(6);
    }

    private static List<Long> ids(String table, String prefix) throws Exception {
        TableLocation location = location(table, prefix);
        TableSnapshot snapshot = new IcebergTableSource(location, HADOOP).latestSnapshot();
        return readThroughDuckDb(snapshot, location.path()).stream()
                .map(r -> (Long) r.get("id"))
                .toList();
    }

    /** The rows as Iceberg's generic reader returns them: it applies delete files itself. */
    private static List<Map<String, Object>> referenceRows(TableLocation location, TableSnapshot snapshot)
            throws Exception {
        Table table = new BaseTable(
                new StaticTableOperations(
                        new IcebergTableSource(location, TableSourceFactory.hadoopConfiguration()).metadataFile(),
                        new RewritingFileIO(new HadoopFileIO(HADOOP), location)),
                "reference");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record record : records) {
                Map<String, Object> row = new HashMap<>();
                for (Types.NestedField field : table.schema().columns()) {
                    if (comparable(snapshot, field.name())) {
                        Object value = record.getField(field.name());
                        row.put(
                                field.name(),
                                ComparableValues.of(value instanceof CharSequence c ? c.toString() : value));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<Map<String, Object>> hivePartitionedRows(Path table, TableSnapshot snapshot) throws Exception {
        // One read per partition layout: files of the first spec sit one directory deep, of the second two.
        return query(
                snapshot,
                table,
                "SELECT * FROM read_parquet('" + table + "/data/event_date=*/*.parquet', "
                        + "hive_partitioning = true, hive_types = {'event_date': DATE}) UNION ALL BY NAME "
                        + "SELECT * FROM read_parquet('" + table + "/data/event_date=*/event_type=*/*.parquet', "
                        + "hive_partitioning = true, hive_types = {'event_date': DATE, 'event_type': VARCHAR})");
    }

    private static List<Map<String, Object>> readThroughDuckDb(TableSnapshot snapshot, Path path) throws Exception {
        return query(snapshot, path, null);
    }

    private static List<Map<String, Object>> query(TableSnapshot snapshot, Path path, String reference)
            throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(path));
                Statement statement = session.connection().createStatement()) {
            if (reference == null) {
                new SnapshotRelation(snapshot).register(session, "source");
            }
            try (ResultSet rs = statement.executeQuery(reference == null ? "SELECT * FROM source" : reference)) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (SourceColumn column : snapshot.columns()) {
                        if (comparable(snapshot, column.name())) {
                            row.put(column.name(), ComparableValues.of(rs.getObject(column.name())));
                        }
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Scalar columns other than binary: those both readers return in a form {@link ComparableValues} knows. */
    private static boolean comparable(TableSnapshot snapshot, String column) {
        ColumnType type = snapshot.column(column).orElseThrow().type();
        return type instanceof ColumnType.Primitive primitive
                && !DuckDbTypes.of(primitive).equals("BLOB")
                && !DuckDbTypes.of(primitive).equals("UUID")
                && !DuckDbTypes.of(primitive).equals("TIME");
    }
}
