package io.featureduck.dataplane.source;

import io.delta.kernel.CommitRange;
import io.delta.kernel.CommitRangeBuilder;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.DeltaLogActionUtils;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.deletionvectors.DeletionVectorUtils;
import io.delta.kernel.internal.util.ColumnMapping;
import io.delta.kernel.internal.util.PartitionUtils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.storage.ObjectStoreException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A Delta Lake table read through Delta Kernel: Kernel replays the log (JSON commits, classic and v2 checkpoints)
 * and names the active files, their partition values and deletion vectors; DuckDB later reads exactly those files.
 */
public final class DeltaTableSource implements TableSource {
    /**
     * Reader features whose effect this reader reproduces when DuckDB reads the files. Any other reader feature fails
     * the load: serving rows the table does not hold would be worse than serving nothing.
     */
    private static final Set<String> HANDLED_READER_FEATURES = Set.of(
            "columnMapping",
            "deletionVectors",
            "timestampNtz",
            "v2Checkpoint",
            "vacuumProtocolCheck",
            "typeWidening",
            "typeWidening-preview",
            "checkpointProtection");

    private final Engine engine;
    /** The table as messages name it: a local path or an object-store URI. */
    private final String tablePath;

    private final String tableUri;
    private final TableLocation location;

    public DeltaTableSource(Engine engine, Path tablePath) {
        this(engine, new TableLocation(tablePath));
    }

    /** A table whose log may name files by absolute paths that {@code location}'s rewrites map elsewhere. */
    public DeltaTableSource(Engine engine, TableLocation location) {
        this.engine = engine;
        this.location = location;
        this.tablePath = location.uri();
        this.tableUri = location.isObjectStore()
                ? location.uri()
                : location.path().toUri().toString();
    }

    @Override
    public String formatName() {
        return "delta";
    }

    @Override
    public TableSnapshot latestSnapshot() {
        return read(() -> describe(TableManager.loadSnapshot(tableUri).build(engine)));
    }

    @Override
    public TableSnapshot snapshotAt(long version) {
        return read(() ->
                describe(TableManager.loadSnapshot(tableUri).atVersion(version).build(engine)));
    }

    @Override
    public OptionalLong versionAsOf(Instant time) {
        return read(() -> {
            Snapshot latest = TableManager.loadSnapshot(tableUri).build(engine);
            if (time.toEpochMilli() >= latest.getTimestamp(engine)) {
                return OptionalLong.of(latest.getVersion());
            }
            try {
                return OptionalLong.of(TableManager.loadSnapshot(tableUri)
                        .atTimestamp(time.toEpochMilli(), latest)
                        .build(engine)
                        .getVersion());
            } catch (KernelException e) {
                // Kernel refuses times before the first commit: the table did not exist yet.
                return OptionalLong.empty();
            }
        });
    }

    /**
     * The change feed of the log between two versions: the files the commits after {@code older} up to
     * {@code newer} added and removed, and whether any of them changed the table's metadata or protocol (a schema
     * change, a new reader feature; reported as a schema change), read with Kernel's commit range instead of
     * comparing file lists.
     */
    @Override
    public SnapshotChanges changes(TableSnapshot older, TableSnapshot newer) {
        if (newer.version() <= older.version()) {
            return SnapshotChanges.between(older, newer);
        }
        return read(() -> {
            Set<String> added = new HashSet<>();
            Set<String> removed = new HashSet<>();
            boolean metadataChanged = false;
            CommitRange range = TableManager.loadCommitRange(
                            tableUri, CommitRangeBuilder.CommitBoundary.atVersion(older.version() + 1))
                    .withEndBoundary(CommitRangeBuilder.CommitBoundary.atVersion(newer.version()))
                    .build(engine);
            Set<DeltaLogActionUtils.DeltaAction> actions = EnumSet.of(
                    DeltaLogActionUtils.DeltaAction.ADD,
                    DeltaLogActionUtils.DeltaAction.REMOVE,
                    DeltaLogActionUtils.DeltaAction.METADATA,
                    DeltaLogActionUtils.DeltaAction.PROTOCOL);
            try (CloseableIterator<ColumnarBatch> batches = range.getActions(engine, actions)) {
                while (batches.hasNext()) {
                    ColumnarBatch batch = batches.next();
                    StructType schema = batch.getSchema();
                    ColumnVector add = batch.getColumnVector(schema.indexOf("add"));
                    ColumnVector remove = batch.getColumnVector(schema.indexOf("remove"));
                    ColumnVector metadata = batch.getColumnVector(schema.indexOf("metaData"));
                    ColumnVector protocol = batch.getColumnVector(schema.indexOf("protocol"));
                    int addPath = ((StructType) schema.at(schema.indexOf("add")).getDataType()).indexOf("path");
                    int removePath =
                            ((StructType) schema.at(schema.indexOf("remove")).getDataType()).indexOf("path");
                    for (int row = 0; row < batch.getSize(); row++) {
                        if (!add.isNullAt(row)) {
                            added.add(localPath(add.getChild(addPath).getString(row)));
                        }
                        if (!remove.isNullAt(row)) {
                            removed.add(localPath(remove.getChild(removePath).getString(row)));
                        }
                        metadataChanged |= !metadata.isNullAt(row) || !protocol.isNullAt(row);
                    }
                }
            } catch (IOException e) {
                throw new TableSourceException(
                        "Delta table " + tablePath + ": cannot read the log from version " + older.version() + " to "
                                + newer.version() + ": " + e.getMessage(),
                        e);
            }
            // A file re-added in the range (a deletion vector changed) is a rewrite of that file: it counts as removed.
            List<DataFile> addedFiles = newer.dataFiles().stream()
                    .filter(f -> added.contains(f.path()))
                    .toList();
            List<DataFile> removedFiles = older.dataFiles().stream()
                    .filter(f -> removed.contains(f.path()) || added.contains(f.path()))
                    .toList();
            // A metadata or protocol action may change how rows read: rebuild rather than merge.
            return new SnapshotChanges(addedFiles, removedFiles, metadataChanged);
        });
    }

    /**
     * A path as the log names it (URI-encoded, relative to the table, or absolute) as {@link DataFile} names it:
     * a local path, or an object-store URI with a plain (decoded) key.
     */
    private String localPath(String logPath) {
        URI uri = URI.create(logPath);
        URI absolute = uri.isAbsolute()
                ? uri
                : URI.create(tableUri.endsWith("/") ? tableUri : tableUri + "/").resolve(uri);
        return location.rewrite(DataFile.pathOf(absolute));
    }

    private <T> T read(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (TableSourceException e) {
            throw e;
        } catch (TableNotFoundException e) {
            throw new TableSourceException(
                    "Delta table " + tablePath + " not found: no _delta_log with a commit there", e);
        } catch (RuntimeException e) {
            Optional<ObjectStoreException> storage = ObjectStoreException.in(e);
            String reason = storage.isPresent()
                    ? storage.get().getMessage()
                    : e instanceof KernelException
                                    || e instanceof IllegalArgumentException
                                    || e instanceof IllegalStateException
                            ? e.getMessage()
                            : e.toString();
            throw new TableSourceException("Delta table " + tablePath + " cannot be read: " + reason, e);
        }
    }

    private TableSnapshot describe(Snapshot snapshot) {
        checkReaderFeatures(snapshot);
        StructType schema = snapshot.getSchema();
        List<String> partitionColumns = snapshot.getPartitionColumnNames();
        List<SourceColumn> columns = new ArrayList<>();
        Map<String, StructField> partitionFieldsByPhysicalName = new HashMap<>();
        for (StructField field : schema.fields()) {
            boolean partition = partitionColumns.stream().anyMatch(p -> p.equalsIgnoreCase(field.getName()));
            columns.add(new SourceColumn(
                    field.getName(),
                    physicalName(field),
                    toColumnType(field.getDataType(), field.getName()),
                    partition,
                    field.isNullable()));
            if (partition) {
                partitionFieldsByPhysicalName.put(physicalName(field), field);
            }
        }
        List<DataFile> files = new ArrayList<>();
        Scan scan = snapshot.getScanBuilder().build();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        files.add(dataFile(rows.next(), partitionFieldsByPhysicalName));
                    }
                }
            }
        } catch (IOException e) {
            throw new TableSourceException(
                    "Delta table " + tablePath + ": cannot list data files of version " + snapshot.getVersion() + ": "
                            + e.getMessage(),
                    e);
        }
        return new TableSnapshot(
                tablePath, snapshot.getVersion(), Instant.ofEpochMilli(snapshot.getTimestamp(engine)), columns, files);
    }

    private void checkReaderFeatures(Snapshot snapshot) {
        for (String feature : snapshot.getProtocol().getReaderFeatures()) {
            if (!HANDLED_READER_FEATURES.contains(feature)) {
                throw new TableSourceException("Delta table " + tablePath + " uses reader feature '" + feature
                        + "', which FeatureDuck cannot read yet; refusing to serve possibly wrong rows");
            }
        }
    }

    private DataFile dataFile(Row scanFile, Map<String, StructField> partitionFields) {
        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
        // Kernel hands out decoded Hadoop path strings ("file:/a/b c%3A"), not URIs: let Hadoop take them apart.
        String path = location.rewrite(DataFile.pathOf(new org.apache.hadoop.fs.Path(status.getPath()).toUri()));
        Map<String, Object> partitionValues = new HashMap<>();
        InternalScanFileUtils.getPartitionValues(scanFile).forEach((physical, serialized) -> {
            StructField field = partitionFields.get(physical);
            if (field == null) {
                // Partition values are keyed by physical name; tolerate writers that used the logical name.
                field = partitionFields.values().stream()
                        .filter(f -> f.getName().equalsIgnoreCase(physical))
                        .findFirst()
                        .orElseThrow(() -> new TableSourceException("Delta table " + tablePath + ": file " + path
                                + " has a value for unknown partition column '" + physical + "'"));
            }
            Literal literal = PartitionUtils.literalForPartitionValue(field.getDataType(), serialized);
            partitionValues.put(field.getName(), toJavaValue(literal));
        });
        DeletionVectorDescriptor deletionVector = InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile);
        long[] deleted = deletionVector == null
                ? new long[0]
                : DeletionVectorUtils.loadNewDvAndBitmap(engine, tableUri, deletionVector)
                        ._2
                        .toArray();
        return new DataFile(path, status.getSize(), partitionValues, deleted);
    }

    private static String physicalName(StructField field) {
        return field.getMetadata().contains(ColumnMapping.COLUMN_MAPPING_PHYSICAL_NAME_KEY)
                ? ColumnMapping.getPhysicalName(field)
                : field.getName();
    }

    private ColumnType toColumnType(DataType type, String column) {
        if (type instanceof BooleanType) return ColumnType.Primitive.of(ColumnType.Scalar.BOOLEAN);
        if (type instanceof ByteType) return ColumnType.Primitive.of(ColumnType.Scalar.INT8);
        if (type instanceof ShortType) return ColumnType.Primitive.of(ColumnType.Scalar.INT16);
        if (type instanceof IntegerType) return ColumnType.Primitive.of(ColumnType.Scalar.INT32);
        if (type instanceof LongType) return ColumnType.Primitive.of(ColumnType.Scalar.INT64);
        if (type instanceof FloatType) return ColumnType.Primitive.of(ColumnType.Scalar.FLOAT32);
        if (type instanceof DoubleType) return ColumnType.Primitive.of(ColumnType.Scalar.FLOAT64);
        if (type instanceof StringType) return ColumnType.Primitive.of(ColumnType.Scalar.STRING);
        if (type instanceof BinaryType) return ColumnType.Primitive.of(ColumnType.Scalar.BINARY);
        if (type instanceof DateType) return ColumnType.Primitive.of(ColumnType.Scalar.DATE);
        if (type instanceof TimestampType) return ColumnType.Primitive.of(ColumnType.Scalar.TIMESTAMP);
        if (type instanceof TimestampNTZType) return ColumnType.Primitive.of(ColumnType.Scalar.TIMESTAMP_NTZ);
        if (type instanceof DecimalType decimal) {
            return ColumnType.Primitive.decimal(decimal.getPrecision(), decimal.getScale());
        }
        if (type instanceof ArrayType array) return new ColumnType.ListOf(toColumnType(array.getElementType(), column));
        if (type instanceof MapType map) {
            return new ColumnType.MapOf(
                    toColumnType(map.getKeyType(), column), toColumnType(map.getValueType(), column));
        }
        if (type instanceof StructType struct) {
            List<SourceColumn> fields = new ArrayList<>();
            for (StructField field : struct.fields()) {
                fields.add(new SourceColumn(
                        field.getName(),
                        physicalName(field),
                        toColumnType(field.getDataType(), column + "." + field.getName()),
                        false));
            }
            return new ColumnType.StructOf(fields);
        }
        throw new TableSourceException("Delta table " + tablePath + ": column '" + column + "' has type " + type
                + ", which FeatureDuck cannot read yet");
    }

    /** Kernel's literal values into the plain Java values {@link DataFile} documents. */
    private static Object toJavaValue(Literal literal) {
        Object value = literal.getValue();
        if (value == null) {
            return null;
        }
        DataType type = literal.getDataType();
        if (type instanceof DateType) {
            return LocalDate.ofEpochDay((Integer) value);
        }
        if (type instanceof TimestampType) {
            long micros = (Long) value;
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        }
        if (type instanceof TimestampNTZType) {
            long micros = (Long) value;
            return LocalDateTime.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        }
        return value;
    }
}
