package io.featureduck.dataplane;

import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;

/** Writes Iceberg tables in tests with Iceberg Java itself: Parquet data files and position and equality deletes. */
public final class IcebergTestTables {
    private IcebergTestTables() {}

    public static Table create(Path location, Schema schema, PartitionSpec spec) {
        return new HadoopTables(TableSourceFactory.hadoopConfiguration())
                .create(schema, spec, Map.of("format-version", "2"), location.toString());
    }

    public static DataFile writeData(Table table, StructLike partition, List<Record> rows) {
        try {
            DataWriter<Record> writer = Parquet.writeData(table.io()
                            .newOutputFile(
                                    table.locationProvider().newDataLocation(table.spec(), partition, fileName())))
                    .schema(table.schema())
                    .withSpec(table.spec())
                    .withPartition(partition)
                    .createWriterFunc(GenericParquetWriter::create)
                    .overwrite()
                    .build();
            try (writer) {
                rows.forEach(writer::write);
            }
            return writer.toDataFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every row whose {@code deleteSchema} columns equal one of {@code rows}. */
    public static DeleteFile writeEqualityDeletes(
            Table table, StructLike partition, Schema deleteSchema, List<Record> rows) {
        try {
            EqualityDeleteWriter<Record> writer = Parquet.writeDeletes(
                            table.io().newOutputFile(table.locationProvider().newDataLocation(fileName())))
                    .forTable(table)
                    .withSpec(table.spec())
                    .withPartition(partition)
                    .rowSchema(deleteSchema)
                    .createWriterFunc(GenericParquetWriter::create)
                    .equalityFieldIds(deleteSchema.columns().stream()
                            .mapToInt(c -> c.fieldId())
                            .toArray())
                    .overwrite()
                    .buildEqualityWriter();
            try (writer) {
                rows.forEach(writer::write);
            }
            return writer.toDeleteFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the rows at {@code positions} of {@code dataFile}. */
    public static DeleteFile writePositionDeletes(
            Table table, StructLike partition, DataFile dataFile, long... positions) {
        try {
            PositionDeleteWriter<Record> writer = Parquet.writeDeletes(
                            table.io().newOutputFile(table.locationProvider().newDataLocation(fileName())))
                    .withSpec(table.spec())
                    .withPartition(partition)
                    .overwrite()
                    .buildPositionWriter();
            try (writer) {
                for (long position : positions) {
                    writer.write(PositionDelete.<Record>create().set(dataFile.location(), position));
                }
            }
            return writer.toDeleteFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileName() {
        return UUID.randomUUID() + ".parquet";
    }
}
