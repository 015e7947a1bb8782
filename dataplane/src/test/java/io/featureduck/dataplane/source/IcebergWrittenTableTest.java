package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.ServingYaml;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Iceberg table written here with Iceberg Java itself (Parquet data, a position delete file and an equality delete
 * file, identity-partitioned), served as a FeatureView from YAML: the rows Iceberg's own reader returns are the rows
 * served, deleted ones absent.
 */
class IcebergWrittenTableTest {
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "region", Types.StringType.get()),
            Types.NestedField.optional(3, "score", Types.DoubleType.get()));
    private static final PartitionSpec SPEC =
            PartitionSpec.builderFor(SCHEMA).identity("region").build();

    @TempDir
    Path directory;

    @Test
    void positionAndEqualityDeletesWrittenByIcebergAreHonoured() throws Exception {
        Path tablePath = directory.resolve("lakehouse/scores");
        Table table = IcebergTestTables.create(tablePath, SCHEMA, SPEC);
        org.apache.iceberg.DataFile east = IcebergTestTables.writeData(table, partition("east"), rows("east", 1, 100));
        org.apache.iceberg.DataFile west =
                IcebergTestTables.writeData(table, partition("west"), rows("west", 101, 200));
        table.newAppend().appendFile(east).appendFile(west).commit();

        // Rows at positions 0..9 of the east file (ids 1..10), and every row whose id is 150.
        org.apache.iceberg.DeleteFile positions =
                IcebergTestTables.writePositionDeletes(table, partition("east"), east, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Schema idOnly = SCHEMA.select("id");
        GenericRecord deleted = GenericRecord.create(idOnly);
        deleted.setField("id", 150L);
        org.apache.iceberg.DeleteFile equality =
                IcebergTestTables.writeEqualityDeletes(table, partition("west"), idOnly, List.of(deleted));
        table.newRowDelta().addDeletes(positions).addDeletes(equality).commit();

        Set<Long> expected = new HashSet<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(r -> expected.add((Long) r.getField("id")));
        }
        assertThat(expected).hasSize(189).doesNotContain(1L, 10L, 150L).contains(11L, 149L, 151L);

        Path file = ServingYaml.write(directory, "iceberg", """
                source: {path: scores}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}, {name: region, type: string}]
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        var view = config.views().get(0);
        TableSnapshot snapshot = new TableSourceFactory().forView(view).latestSnapshot();
        assertThat(snapshot.version()).isEqualTo(2);
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC()).load(view, snapshot);
        assertThat(index.size()).isEqualTo(expected.size());
        for (long id = 1; id <= 200; id++) {
            assertThat(index.rowOf(id) != EntityKeyIndex.ABSENT)
                    .as("id %d served", id)
                    .isEqualTo(expected.contains(id));
        }
        int row = index.rowOf(42L);
        assertThat(index.column(index.featurePosition("score")).value(row)).isEqualTo(42 * 1.5);
        assertThat(index.column(index.featurePosition("region")).value(row)).isEqualTo("east");
    }

    @Test
    void aTableNamedThroughAHadoopCatalogIsServed() throws Exception {
        Table table = IcebergTestTables.create(directory.resolve("lakehouse/warehouse/ml/scores"), SCHEMA, SPEC);
        table.newAppend()
                .appendFile(IcebergTestTables.writeData(table, partition("east"), rows("east", 1, 50)))
                .commit();
        Path file = ServingYaml.write(directory, "iceberg", """
                source: {catalog: {type: hadoop, warehouse: warehouse}, table: ml.scores}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                """);
        var view = new ServingConfigLoader().load(file).views().get(0);
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC())
                .load(view, new TableSourceFactory().forView(view));
        assertThat(index.size()).isEqualTo(50);
        assertThat(index.column(0).value(index.rowOf(7L))).isEqualTo(7 * 1.5);
    }

    @Test
    void anUnreachableRestCatalogFailsTheLoadWithTheReason() throws Exception {
        Path file = ServingYaml.write(
                directory, "iceberg", "catalogs: [{name: ml, type: rest, uri: \"http://127.0.0.1:1/catalog\"}]", """
                source: {catalog: {name: ml}, table: ml.scores}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                """);
        var view = new ServingConfigLoader().load(file).views().get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TableSourceFactory().forView(view).latestSnapshot())
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("rest catalog http://127.0.0.1:1/catalog")
                .hasMessageContaining("ml.scores");
    }

    private static org.apache.iceberg.PartitionKey partition(String region) {
        org.apache.iceberg.PartitionKey key = new org.apache.iceberg.PartitionKey(SPEC, SCHEMA);
        GenericRecord row = GenericRecord.create(SCHEMA);
        row.setField("region", region);
        key.partition(row);
        return key;
    }

    private static List<Record> rows(String region, long from, long to) {
        List<Record> rows = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            GenericRecord record = GenericRecord.create(SCHEMA);
            record.setField("id", id);
            record.setField("region", region);
            record.setField("score", id * 1.5);
            rows.add(record);
        }
        return rows;
    }
}
