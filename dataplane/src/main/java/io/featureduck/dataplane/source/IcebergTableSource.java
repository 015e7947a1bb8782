package io.featureduck.dataplane.source;

import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.storage.ObjectStoreException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * An Iceberg table read through Iceberg Java: the table's metadata file names the current snapshot, scan planning
 * names its data files with the delete files that apply to each (by partition and sequence number), and DuckDB later
 * reads exactly those files. Identity-partition values come from the manifests, since a file need not contain them.
 *
 * <p>A table is found by its directory (the metadata named by {@code metadata/version-hint.text}, or else the
 * highest-numbered metadata file) or by a metadata JSON file. Versions are snapshot sequence numbers (format v2 and
 * later), or positions in the snapshot log for v1 tables, whose snapshots have none.
 */
public final class IcebergTableSource implements TableSource {
    private static final Pattern HADOOP_METADATA = Pattern.compile("v(\\d+)\\.metadata\\.json");
    private static final Pattern CATALOG_METADATA = Pattern.compile("(\\d+)-.*\\.metadata\\.json");

    private final TableLocation location;
    private final Configuration hadoop;

    public IcebergTableSource(TableLocation location, Configuration hadoop) {
        this.location = location;
        this.hadoop = hadoop;
    }

    @Override
    public String formatName() {
        return "iceberg";
    }

    @Override
    public TableSnapshot latestSnapshot() {
        return read(() -> {
            Table table = open();
            Snapshot current = table.currentSnapshot();
            return current == null ? empty(table) : describe(table, current);
        });
    }

    @Override
    public TableSnapshot snapshotAt(long version) {
        return read(() -> {
            Table table = open();
            return describe(table, snapshotOfVersion(table, version));
        });
    }

    /** Iceberg users name a snapshot by its id ({@code SELECT snapshot_id FROM t.snapshots}), not by sequence number. */
    @Override
    public TableSnapshot snapshotNamed(long snapshotId) {
        return read(() -> {
            Table table = open();
            Snapshot snapshot = table.snapshot(snapshotId);
            if (snapshot == null) {
                List<Snapshot> all = snapshotsInOrder(table);
                throw new TableSourceException("Iceberg table " + location + " has no snapshot " + snapshotId
                        + " (it may have been expired); its newest snapshots are "
                        + all.subList(Math.max(0, all.size() - 10), all.size()).stream()
                                .map(s -> s.snapshotId())
                                .toList());
            }
            return describe(table, snapshot);
        });
    }

    /** Spark's Iceberg reader travels by snapshot id ({@code snapshot-id}); the table's empty first state has none. */
    @Override
    public String formatVersion(TableSnapshot snapshot) {
        if (snapshot.version() == 0) {
            return null;
        }
        return read(() -> {
            Table table = open();
            return Long.toString(snapshotOfVersion(table, snapshot.version()).snapshotId());
        });
    }

    @Override
    public OptionalLong versionAsOf(Instant time) {
        return read(() -> {
            Table table = open();
            Snapshot asOf = null;
            for (Snapshot snapshot : snapshotsInOrder(table)) {
                if (snapshot.timestampMillis() <= time.toEpochMilli()) {
                    asOf = snapshot;
                }
            }
            return asOf == null ? OptionalLong.empty() : OptionalLong.of(version(table, asOf));
        });
    }

    /**
     * The versions of the snapshots current from {@code from} to {@code to}: an Iceberg table's versions are its
     * snapshots' sequence numbers, which start at 1 and lose the numbers of expired snapshots, so they are listed, not
     * counted.
     */
    @Override
    public List<Long> versionsBetween(Instant from, Instant to) {
        return read(() -> {
            Table table = open();
            List<Snapshot> snapshots = snapshotsInOrder(table);
            int first = -1;
            int last = -1;
            for (int i = 0; i < snapshots.size(); i++) {
                long committed = snapshots.get(i).timestampMillis();
                if (committed <= from.toEpochMilli()) {
                    first = i;
                }
                if (committed <= to.toEpochMilli()) {
                    last = i;
                }
            }
            List<Long> versions = new ArrayList<>();
            for (int i = Math.max(first, 0); i <= last; i++) {
                versions.add(version(table, snapshots.get(i)));
            }
            return versions;
        });
    }

    private <T> T read(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (TableSourceException e) {
            throw e;
        } catch (NoSuchTableException e) {
            throw new TableSourceException(
                    "Iceberg table " + location + " not found in the catalog: " + e.getMessage(), e);
        } catch (NotFoundException e) {
            throw new TableSourceException(
                    "Iceberg table " + location + ": a file its metadata names is missing ("
                            + e.getMessage() + "); if the table was copied from elsewhere, map its paths with "
                            + "spec.source.pathRewrite",
                    e);
        } catch (RuntimeException e) {
            java.util.Optional<ObjectStoreException> storage = ObjectStoreException.in(e);
            String reason = storage.isPresent()
                    ? storage.get().getMessage()
                    : e instanceof UncheckedIOException
                                    || e instanceof IllegalArgumentException
                                    || e instanceof IllegalStateException
                            ? e.getMessage()
                            : e.toString();
            throw new TableSourceException("Iceberg table " + location + " cannot be read: " + reason, e);
        }
    }

    private Table open() {
        if (location.catalog() != null) {
            return catalog().loadTable(TableIdentifier.parse(location.table()));
        }
        return new BaseTable(
                new StaticTableOperations(metadataFile(), new RewritingFileIO(new HadoopFileIO(hadoop), location)),
                location.hadoopPath().getName());
    }

    /**
     * The catalog naming the table. A Hadoop catalog is a warehouse directory read through the same rewriting file
     * access as a table by path; a REST catalog brings its own file access, configured by its properties.
     */
    private Catalog catalog() {
        Map<String, String> properties = new HashMap<>(location.catalog().properties());
        if (location.catalog().type() == io.featureduck.crds.CatalogType.HADOOP) {
            HadoopCatalog catalog = new HadoopCatalog();
            catalog.setConf(hadoop);
            properties.put(CatalogProperties.WAREHOUSE_LOCATION, location.uri());
            catalog.initialize("featureduck", properties);
            return catalog;
        }
        RESTCatalog catalog = new RESTCatalog();
        catalog.setConf(hadoop);
        properties.put(CatalogProperties.URI, location.catalog().uri());
        if (location.catalog().warehouse() != null) {
            properties.put(
                    CatalogProperties.WAREHOUSE_LOCATION, location.catalog().warehouse());
        }
        catalog.initialize("featureduck", properties);
        return catalog;
    }

    /**
     * The table's current metadata file, read through Hadoop so that object stores work alike: named directly, by
     * the version hint, or the highest-numbered one.
     */
    String metadataFile() {
        org.apache.hadoop.fs.Path table = location.hadoopPath();
        try {
            FileSystem fs = table.getFileSystem(hadoop);
            if (table.getName().endsWith(".metadata.json")) {
                fs.getFileStatus(table);
                return table.toString();
            }
            org.apache.hadoop.fs.Path metadata = new org.apache.hadoop.fs.Path(table, "metadata");
            FileStatus[] files;
            try {
                files = fs.listStatus(metadata);
            } catch (FileNotFoundException e) {
                throw new TableSourceException("Iceberg table " + location + " not found: no metadata directory there");
            }
            org.apache.hadoop.fs.Path hint = new org.apache.hadoop.fs.Path(metadata, "version-hint.text");
            for (FileStatus file : files) {
                if (file.getPath().getName().equals(hint.getName())) {
                    String version;
                    try (var in = fs.open(file.getPath())) {
                        version = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                    }
                    String hinted = "v" + version + ".metadata.json";
                    for (FileStatus candidate : files) {
                        if (candidate.getPath().getName().equals(hinted)) {
                            return candidate.getPath().toString();
                        }
                    }
                }
            }
            return java.util.Arrays.stream(files)
                    .map(FileStatus::getPath)
                    .filter(p -> metadataNumber(p.getName()) >= 0)
                    .max(Comparator.comparingLong(p -> metadataNumber(p.getName())))
                    .map(org.apache.hadoop.fs.Path::toString)
                    .orElseThrow(() -> new TableSourceException(
                            "Iceberg table " + location + " not found: no metadata JSON file in " + metadata));
        } catch (FileNotFoundException e) {
            throw new TableSourceException("Iceberg table " + location + " not found: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the metadata of Iceberg table " + location + ": " + e.getMessage(), e);
        }
    }

    private static long metadataNumber(String name) {
        Matcher hadoopStyle = HADOOP_METADATA.matcher(name);
        if (hadoopStyle.matches()) {
            return Long.parseLong(hadoopStyle.group(1));
        }
        Matcher catalogStyle = CATALOG_METADATA.matcher(name);
        return catalogStyle.matches() ? Long.parseLong(catalogStyle.group(1)) : -1;
    }

    private static int formatVersion(Table table) {
        return ((HasTableOperations) table).operations().current().formatVersion();
    }

    private static List<Snapshot> snapshotsInOrder(Table table) {
        List<Snapshot> snapshots = new ArrayList<>();
        table.snapshots().forEach(snapshots::add);
        snapshots.sort(Comparator.comparingLong(Snapshot::sequenceNumber).thenComparingLong(Snapshot::timestampMillis));
        return snapshots;
    }

    /** The version number FeatureDuck gives {@code snapshot} of {@code table}, for writers naming what they committed. */
    public static long version(Table table, Snapshot snapshot) {
        if (formatVersion(table) >= 2) {
            return snapshot.sequenceNumber();
        }
        List<Snapshot> snapshots = snapshotsInOrder(table);
        for (int i = 0; i < snapshots.size(); i++) {
            if (snapshots.get(i).snapshotId() == snapshot.snapshotId()) {
                return i + 1;
            }
        }
        throw new IllegalStateException("snapshot " + snapshot.snapshotId() + " is not in the table's snapshot list");
    }

    private Snapshot snapshotOfVersion(Table table, long version) {
        return snapshotsInOrder(table).stream()
                .filter(s -> version(table, s) == version)
                .findFirst()
                .orElseThrow(() -> new TableSourceException(
                        "Iceberg table " + location + " has no version " + version + " (it may have been expired)"));
    }

    private TableSnapshot empty(Table table) {
        long updated = ((HasTableOperations) table).operations().current().lastUpdatedMillis();
        return new TableSnapshot(
                location.toString(), 0, Instant.ofEpochMilli(updated), columns(table, table.schema()), List.of());
    }

    private TableSnapshot describe(Table table, Snapshot snapshot) {
        Schema schema = snapshot.schemaId() != null && table.schemas().containsKey(snapshot.schemaId())
                ? table.schemas().get(snapshot.schemaId())
                : table.schema();
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks =
                table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                files.add(dataFile(table, schema, task));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot plan the files of snapshot " + snapshot.snapshotId(), e);
        }
        return new TableSnapshot(
                location.toString(),
                version(table, snapshot),
                Instant.ofEpochMilli(snapshot.timestampMillis()),
                columns(table, schema),
                files);
    }

    private static List<SourceColumn> columns(Table table, Schema schema) {
        Set<Integer> identitySources = new HashSet<>();
        for (PartitionSpec spec : table.specs().values()) {
            for (PartitionField field : spec.fields()) {
                if (field.transform().isIdentity()) {
                    identitySources.add(field.sourceId());
                }
            }
        }
        List<SourceColumn> columns = new ArrayList<>();
        for (Types.NestedField field : schema.columns()) {
            columns.add(new SourceColumn(
                    field.name(),
                    field.name(),
                    columnType(field.type()),
                    identitySources.contains(field.fieldId()),
                    field.isOptional()));
        }
        return columns;
    }

    private DataFile dataFile(Table table, Schema schema, FileScanTask task) {
        org.apache.iceberg.DataFile file = task.file();
        PartitionSpec spec = table.specs().get(file.specId());
        Map<String, Object> partitionValues = new HashMap<>();
        StructLike partition = file.partition();
        for (int i = 0; i < spec.fields().size(); i++) {
            PartitionField field = spec.fields().get(i);
            Types.NestedField source = schema.findField(field.sourceId());
            if (field.transform().isIdentity() && source != null) {
                partitionValues.put(source.name(), javaValue(partition.get(i, Object.class), source.type()));
            }
        }
        List<DeleteFile> deletes = new ArrayList<>();
        for (org.apache.iceberg.DeleteFile delete : task.deletes()) {
            String path = localPath(delete.location());
            if (delete.content() == FileContent.POSITION_DELETES) {
                deletes.add(DeleteFile.positions(path, file.location()));
            } else if (delete.content() == FileContent.EQUALITY_DELETES) {
                List<String> columns = new ArrayList<>();
                for (int id : delete.equalityFieldIds()) {
                    Types.NestedField column = table.schema().findField(id);
                    if (column == null) {
                        throw new TableSourceException("Iceberg table " + location + ": equality delete " + path
                                + " names field id " + id + ", which the schema does not have");
                    }
                    columns.add(column.name());
                }
                deletes.add(DeleteFile.equality(path, columns));
            } else {
                throw new TableSourceException("Iceberg table " + location + ": delete file " + path + " holds "
                        + delete.content() + ", which FeatureDuck cannot apply yet; refusing to serve possibly "
                        + "deleted rows");
            }
        }
        return new DataFile(localPath(file.location()), file.fileSizeInBytes(), partitionValues, new long[0], deletes);
    }

    /**
     * Where a file the metadata names is: path rewrites applied, {@code file:} URIs unwrapped; object-store URIs stay
     * URIs, which the file cache fetches before DuckDB reads them.
     */
    private String localPath(String metadataPath) {
        String rewritten = location.rewrite(metadataPath);
        return rewritten.startsWith("file:")
                ? new org.apache.hadoop.fs.Path(rewritten).toUri().getPath()
                : rewritten;
    }

    /** Manifests hold partition values in Iceberg's internal representation; the rest of FeatureDuck wants Java's. */
    private static Object javaValue(Object value, Type type) {
        if (value == null) {
            return null;
        }
        return switch (type.typeId()) {
            case DATE -> LocalDate.ofEpochDay((Integer) value);
            case TIMESTAMP ->
                ((Types.TimestampType) type).shouldAdjustToUTC()
                        ? Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS)
                        : LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC).plus((Long) value, ChronoUnit.MICROS);
            case STRING -> value.toString();
            case BINARY, FIXED -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield bytes;
            }
            case DECIMAL -> (BigDecimal) value;
            default -> value;
        };
    }

    static ColumnType columnType(Type type) {
        return switch (type.typeId()) {
            case BOOLEAN -> ColumnType.Primitive.of(ColumnType.Scalar.BOOLEAN);
            case INTEGER -> ColumnType.Primitive.of(ColumnType.Scalar.INT32);
            case LONG -> ColumnType.Primitive.of(ColumnType.Scalar.INT64);
            case FLOAT -> ColumnType.Primitive.of(ColumnType.Scalar.FLOAT32);
            case DOUBLE -> ColumnType.Primitive.of(ColumnType.Scalar.FLOAT64);
            case DATE -> ColumnType.Primitive.of(ColumnType.Scalar.DATE);
            case TIME -> ColumnType.Primitive.of(ColumnType.Scalar.TIME);
            case TIMESTAMP ->
                ColumnType.Primitive.of(
                        ((Types.TimestampType) type).shouldAdjustToUTC()
                                ? ColumnType.Scalar.TIMESTAMP
                                : ColumnType.Scalar.TIMESTAMP_NTZ);
            case STRING -> ColumnType.Primitive.of(ColumnType.Scalar.STRING);
            case UUID -> ColumnType.Primitive.of(ColumnType.Scalar.UUID);
            case FIXED, BINARY -> ColumnType.Primitive.of(ColumnType.Scalar.BINARY);
            case DECIMAL ->
                ColumnType.Primitive.decimal(
                        ((Types.DecimalType) type).precision(), ((Types.DecimalType) type).scale());
            case LIST -> new ColumnType.ListOf(columnType(((Types.ListType) type).elementType()));
            case MAP ->
                new ColumnType.MapOf(
                        columnType(((Types.MapType) type).keyType()), columnType(((Types.MapType) type).valueType()));
            case STRUCT ->
                new ColumnType.StructOf(((Types.StructType) type)
                        .fields().stream()
                                .map(f -> new SourceColumn(f.name(), f.name(), columnType(f.type()), false))
                                .toList());
            default -> throw new TableSourceException("Iceberg type " + type + " is not supported yet");
        };
    }
}
