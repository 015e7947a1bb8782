package io.featureduck.dataplane.write;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.IcebergTableSource;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.values.EpochMicros;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends to an Iceberg table with Iceberg Java: DuckDB writes one Parquet file per partition (Iceberg's partition
 * transforms decide which), with each column's Iceberg field id, and an {@link AppendFiles} commits them.
 *
 * <p>The files go to the table's data location ({@code write.data.path}, or its object-storage layout), not to
 * directories named after partition values: Iceberg records a file's partition in its manifest entry, which is where
 * every reader takes it from, and a directory name would have to escape values ({@code a/b} as {@code a%2Fb}) in a
 * location that Iceberg's Java and Python readers resolve differently (Hadoop's file system decodes the escape,
 * pyiceberg does not), and could outgrow a file name's 255 bytes. The table
 * is committed as a file-system table ({@code metadata/vN.metadata.json} with a version hint, see
 * {@link NoReplaceTableOperations}); Iceberg retries a commit that lost a race on a refreshed table, and this writer
 * retries that again.
 */
final class IcebergWriter implements TableWriter {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergWriter.class);

    private final String view;
    private final Path location;
    private final Configuration hadoop;
    private final DataFileWriter files;
    private final int maxAttempts;
    private Table table;

    IcebergWriter(String view, Path location, Configuration hadoop, DataFileWriter files, int maxAttempts) {
        this.view = view;
        this.location = location;
        this.hadoop = hadoop;
        this.files = files;
        this.maxAttempts = maxAttempts;
    }

    /** Every value fits: partition values are recorded in manifests, not in directory names (see the class). */
    @Override
    public void check(PushedRows rows) {}

    @Override
    public Committed append(PushedRows rows) {
        Table current = table();
        Schema schema = current.schema();
        PartitionSpec spec = current.spec();
        checkSchema(rows, schema);
        List<Path> written = new ArrayList<>();
        try {
            Map<PartitionKey, List<Integer>> groups = partitions(rows, schema, spec);
            List<DataFile> dataFiles = new ArrayList<>();
            for (Map.Entry<PartitionKey, List<Integer>> group : groups.entrySet()) {
                String uri =
                        current.locationProvider().newDataLocation("featureduck-" + UUID.randomUUID() + ".parquet");
                Path file = DataFileWriter.localPath(uri);
                long size = files.write(
                        rows,
                        group.getValue(),
                        rows.columns(),
                        c -> OptionalInt.of(schema.findField(c.name()).fieldId()),
                        file);
                written.add(file);
                DataFiles.Builder builder = DataFiles.builder(spec)
                        .withPath(uri)
                        .withFileSizeInBytes(size)
                        .withRecordCount(group.getValue().size())
                        .withFormat(FileFormat.PARQUET);
                if (!spec.isUnpartitioned()) {
                    builder.withPartition(group.getKey());
                }
                dataFiles.add(builder.build());
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    AppendFiles append = current.newAppend();
                    dataFiles.forEach(append::appendFile);
                    append.commit();
                    TableMetadata committed =
                            ((HasTableOperations) current).operations().current();
                    long version = IcebergTableSource.version(current, committed.currentSnapshot());
                    return new Committed(version, written.size(), rows.size(), attempt - 1);
                } catch (CommitFailedException e) {
                    if (attempt >= maxAttempts) {
                        throw new FeatureDuckException(
                                ErrorCode.WRITE_FAILED,
                                "FeatureView '" + view + "': the push "
                                        + "conflicted with other writers of its Iceberg table " + attempt + " times",
                                e);
                    }
                    LOG.info("FeatureView '{}': push commit conflicted; retrying on the newest version", view);
                    current.refresh();
                    checkSchema(rows, current.schema());
                }
            }
        } catch (IOException e) {
            DataFileWriter.removeUncommitted(written);
            throw new FeatureDuckException(
                    ErrorCode.WRITE_FAILED,
                    "FeatureView '" + view + "': cannot write the " + "pushed rows: " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            DataFileWriter.removeUncommitted(written);
            throw e;
        }
    }

    private Table table() {
        if (table == null) {
            try {
                NoReplaceTableOperations operations = new NoReplaceTableOperations(location, hadoop);
                if (operations.current() == null) {
                    throw new NoSuchTableException("no metadata/vN.metadata.json");
                }
                table = new BaseTable(operations, location.getFileName().toString());
            } catch (NoSuchTableException e) {
                throw new FeatureDuckException(
                        ErrorCode.TABLE_NOT_WRITABLE,
                        "FeatureView '" + view + "': its Iceberg "
                                + "table has no metadata/vN.metadata.json files (it is managed by a catalog, which must commit "
                                + "its writes); push to a file-system table",
                        e);
            }
            Path declared = DataFileWriter.localPath(table.location());
            if (!declared.toAbsolutePath()
                    .normalize()
                    .equals(location.toAbsolutePath().normalize())) {
                table = null;
                throw new FeatureDuckException(
                        ErrorCode.TABLE_NOT_WRITABLE,
                        "FeatureView '" + view + "': its Iceberg "
                                + "table's metadata names another location than where it is served from (it was moved and is "
                                + "read through path rewrites); pushes would write outside the table");
            }
        } else {
            table.refresh();
        }
        return table;
    }

    private void checkSchema(PushedRows rows, Schema schema) {
        List<String> now =
                schema.columns().stream().map(Types.NestedField::name).toList();
        List<String> validated = rows.columns().stream().map(SourceColumn::name).toList();
        if (!now.equals(validated)) {
            throw new FeatureDuckException(
                    ErrorCode.WRITE_FAILED,
                    "FeatureView '" + view + "': its table's columns " + "changed since the push was checked (now "
                            + now + "); retry once the view has refreshed");
        }
    }

    /** Rows grouped by the partition Iceberg's transforms give them. */
    private static Map<PartitionKey, List<Integer>> partitions(PushedRows rows, Schema schema, PartitionSpec spec) {
        Map<PartitionKey, List<Integer>> groups = new LinkedHashMap<>();
        if (spec.isUnpartitioned()) {
            groups.put(new PartitionKey(spec, schema), DataFileWriter.all(rows));
            return groups;
        }
        List<Types.NestedField> fields = schema.columns();
        PartitionKey key = new PartitionKey(spec, schema);
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.rows().get(r);
            Object[] internal = new Object[fields.size()];
            for (int i = 0; i < internal.length; i++) {
                internal[i] = internal(row[i], fields.get(i).type());
            }
            key.partition(new Values(internal));
            groups.computeIfAbsent(key.copy(), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    /** A pushed value as Iceberg holds it in memory, which its partition transforms take. */
    private static Object internal(Object value, Type type) {
        if (value == null) {
            return null;
        }
        return switch (type.typeId()) {
            case INTEGER -> Math.toIntExact((Long) value);
            case FLOAT -> (float) (double) (Double) value;
            case DATE -> Math.toIntExact(((LocalDate) value).toEpochDay());
            case TIME -> ((LocalTime) value).toNanoOfDay() / 1000;
            case TIMESTAMP ->
                ((Types.TimestampType) type).shouldAdjustToUTC()
                        ? EpochMicros.of((Instant) value)
                        : EpochMicros.of((LocalDateTime) value);
            case BINARY, FIXED -> ByteBuffer.wrap((byte[]) value);
            case UUID -> java.util.UUID.fromString((String) value);
            case DECIMAL -> (BigDecimal) value;
            default -> value;
        };
    }

    private record Values(Object[] values) implements StructLike {
        @Override
        public int size() {
            return values.length;
        }

        @Override
        public <T> T get(int pos, Class<T> javaClass) {
            return javaClass.cast(values[pos]);
        }

        @Override
        public <T> void set(int pos, T value) {
            throw new UnsupportedOperationException("pushed rows are read-only");
        }
    }
}
