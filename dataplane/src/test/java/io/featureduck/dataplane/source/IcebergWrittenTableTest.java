package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.serving.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
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
    private static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).identity("region").build();

    @TempDir
    Path directory;

    @Test
    void positionAndEqualityDeletesWrittenByIcebergAreHonoured() throws Exception {
        Path tablePath = directory.resolve("lakehouse/scores");
        Table table = new HadoopTables(TableSourceFactory.hadoopConfiguration())
                .create(SCHEMA, SPEC, Map.of("format-version", "2"), tablePath.toString());
        org.apache.iceberg.DataFile east = writeData(table, "east", 1, 100);
        org.apache.iceberg.DataFile west = writeData(table, "west", 101, 200);
        table.newAppend().appendFile(east).appendFile(west).commit();

        // Rows at positions 0..9 of the east file (ids 1..10), and every row whose id is 150.
        PositionDeleteWriter<Record> positions = Parquet.writeDeletes(table.io().newOutputFile(
                        table.locationProvider().newDataLocation("pos-deletes.parquet")))
                .withSpec(SPEC).withPartition(partition("east")).overwrite()
                .buildPositionWriter();
        try (positions) {
            for (long pos = 0; pos < 10; pos++) {
                positions.write(PositionDelete.<Record>create().set(east.location(), pos));
            }
        }
        Schema idOnly = SCHEMA.select("id");
        EqualityDeleteWriter<Record> equality = Parquet.writeDeletes(table.io().newOutputFile(
                        table.locationProvider().newDataLocation("eq-deletes.parquet")))
                .forTable(table).withSpec(SPEC).withPartition(partition("west")).rowSchema(idOnly)
                .createWriterFunc(GenericParquetWriter::create).equalityFieldIds(1).overwrite()
                .buildEqualityWriter();
        try (equality) {
            GenericRecord deleted = GenericRecord.create(idOnly);
            deleted.setField("id", 150L);
            equality.write(deleted);
        }
        table.newRowDelta().addDeletes(positions.toDeleteFile()).addDeletes(equality.toDeleteFile()).commit();

        Set<Long> expected = new HashSet<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(r -> expected.add((Long) r.getField("id")));
        }
        assertThat(expected).hasSize(189).doesNotContain(1L, 10L, 150L).contains(11L, 149L, 151L);

        Path file = directory.resolve("store.yaml");
        Files.writeString(file, """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: lake}
                spec:
                  lakehouse: {format: iceberg, root: lakehouse}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: scores}
                spec:
                  store: lake
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
            assertThat(index.rowOf(id) != EntityKeyIndex.ABSENT).as("id %d served", id).isEqualTo(expected.contains(id));
        }
        int row = index.rowOf(42L);
        assertThat(index.column(index.featurePosition("score")).value(row)).isEqualTo(42 * 1.5);
        assertThat(index.column(index.featurePosition("region")).value(row)).isEqualTo("east");
    }

    private static org.apache.iceberg.PartitionKey partition(String region) {
        org.apache.iceberg.PartitionKey key = new org.apache.iceberg.PartitionKey(SPEC, SCHEMA);
        GenericRecord row = GenericRecord.create(SCHEMA);
        row.setField("region", region);
        key.partition(row);
        return key;
    }

    private static org.apache.iceberg.DataFile writeData(Table table, String region, long from, long to)
            throws IOException {
        DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(
                        table.locationProvider().newDataLocation(SPEC, partition(region), region + ".parquet")))
                .schema(SCHEMA).withSpec(SPEC).withPartition(partition(region))
                .createWriterFunc(GenericParquetWriter::create).overwrite().build();
        List<Record> rows = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            GenericRecord record = GenericRecord.create(SCHEMA);
            record.setField("id", id);
            record.setField("region", region);
            record.setField("score", id * 1.5);
            rows.add(record);
        }
        try (writer) {
            rows.forEach(writer::write);
        }
        return writer.toDataFile();
    }
}
