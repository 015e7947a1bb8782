package io.featureduck.dataplane.source;

import io.featureduck.crds.location.ObjectPath;
import io.featureduck.dataplane.config.TableLocation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Plain Parquet files: a directory (every {@code .parquet} file below it) or a glob such as {@code events/*.parquet},
 * with Hive-style {@code key=value} directories as partition columns. The schema comes from the files' footers
 * (parquet-java), partition values from the paths.
 *
 * <p>Plain files keep no history: the only version is the current one, numbered by the latest modification time (in
 * milliseconds) of the files and directories, which grows when files are added, replaced or removed. On an object
 * store, where there are no directory times, a removed file leaves the number as it is; {@link #isSameVersion}
 * compares the file lists of equal versions to notice it. Historical
 * retrieval of a snapshot view over plain Parquet therefore sees the current files at every time.
 */
public final class ParquetTableSource implements TableSource {
    private static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    private final TableLocation location;
    private final Configuration hadoop;

    public ParquetTableSource(TableLocation location, Configuration hadoop) {
        this.location = location;
        this.hadoop = hadoop;
    }

    @Override
    public String formatName() {
        return "parquet";
    }

    @Override
    public TableSnapshot latestSnapshot() {
        try {
            return describe();
        } catch (IOException | UncheckedIOException e) {
            throw new TableSourceException("Parquet files " + location + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public TableSnapshot snapshotAt(long version) {
        TableSnapshot latest = latestSnapshot();
        if (latest.version() != version) {
            throw new TableSourceException("Parquet files " + location + " keep no history: only the current version "
                    + latest.version() + " can be read, not " + version);
        }
        return latest;
    }

    /**
     * A bucket keeps no directory times, so removing a file other than the newest leaves the version number as it was:
     * equal numbers are the same version only when they name the same files.
     */
    @Override
    public boolean isSameVersion(TableSnapshot served, TableSnapshot latest) {
        return served.version() == latest.version()
                && SnapshotChanges.between(served, latest).isEmpty();
    }

    @Override
    public OptionalLong versionAsOf(Instant time) {
        return OptionalLong.of(latestSnapshot().version());
    }

    /**
     * One data file found under the location.
     *
     * @param path              as {@link DataFile} names it: a local path or an object-store URI
     * @param relativeDirectory its directory below the location's base, for Hive partition values; null for a
     *                          location that is a single file
     */
    private record Found(String path, org.apache.hadoop.fs.Path hadoopPath, long size, Path relativeDirectory) {}

    /** The data files, and the newest modification time among them and their directories: the version. */
    private record Listing(List<Found> files, long newest) {}

    private TableSnapshot describe() throws IOException {
        Listing listing = location.isObjectStore() ? listObjectStore() : listLocal();
        Map<String, SourceColumn> columns = new LinkedHashMap<>();
        List<Map<String, String>> partitions = new ArrayList<>();
        for (Found file : listing.files()) {
            MessageType schema;
            try (ParquetFileReader reader =
                    ParquetFileReader.open(HadoopInputFile.fromPath(file.hadoopPath(), hadoop))) {
                schema = reader.getFileMetaData().getSchema();
            }
            for (Type field : schema.getFields()) {
                columns.putIfAbsent(
                        field.getName(), new SourceColumn(field.getName(), field.getName(), columnType(field), false));
            }
            partitions.add(hivePartitions(file.relativeDirectory()));
        }
        Map<String, ColumnType.Scalar> partitionTypes = partitionTypes(partitions);
        partitionTypes.forEach(
                (name, type) -> columns.put(name, new SourceColumn(name, name, ColumnType.Primitive.of(type), true)));
        List<DataFile> dataFiles = new ArrayList<>();
        for (int i = 0; i < listing.files().size(); i++) {
            Map<String, Object> values = new HashMap<>();
            Map<String, String> raw = partitions.get(i);
            for (Map.Entry<String, ColumnType.Scalar> type : partitionTypes.entrySet()) {
                values.put(type.getKey(), typed(raw.get(type.getKey()), type.getValue()));
            }
            Found file = listing.files().get(i);
            dataFiles.add(new DataFile(file.path(), file.size(), values, new long[0]));
        }
        return new TableSnapshot(
                location.toString(),
                listing.newest(),
                Instant.ofEpochMilli(listing.newest()),
                new ArrayList<>(columns.values()),
                dataFiles);
    }

    private Listing listLocal() throws IOException {
        Path pattern = location.path();
        Path base = pattern;
        while (base != null && hasGlob(base.toString())) {
            base = base.getParent();
        }
        if (base == null || !Files.isDirectory(base) && !Files.isRegularFile(base)) {
            throw new TableSourceException("Parquet files " + location + " not found: " + base + " does not exist");
        }
        PathMatcher matcher =
                base.equals(pattern) ? null : FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        boolean directory = Files.isDirectory(base);
        List<Found> files = new ArrayList<>();
        long newest = Files.getLastModifiedTime(base).toMillis();
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path path : walk.sorted().toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (hidden(base, path)) {
                    continue;
                }
                newest = Math.max(newest, attributes.lastModifiedTime().toMillis());
                if (attributes.isRegularFile()
                        && (matcher != null
                                ? matcher.matches(path)
                                : path.getFileName().toString().endsWith(".parquet"))) {
                    files.add(new Found(
                            path.toString(),
                            new org.apache.hadoop.fs.Path(path.toUri()),
                            attributes.size(),
                            directory ? base.relativize(path.getParent()) : null));
                }
            }
        }
        return new Listing(files, newest);
    }

    /**
     * The files under an object-store location, listed through the same Hadoop file system the other formats use.
     * A bucket has no directories whose times change when a file goes away; {@link #isSameVersion} notices removed
     * files by comparing the file lists of equal versions.
     */
    private Listing listObjectStore() throws IOException {
        ObjectPath pattern = ObjectPath.parse(location.uri());
        List<String> baseSegments = new ArrayList<>();
        String[] segments =
                pattern.key().isEmpty() ? new String[0] : pattern.key().split("/");
        for (String segment : segments) {
            if (hasGlob(segment)) {
                break;
            }
            baseSegments.add(segment);
        }
        ObjectPath base =
                new ObjectPath(pattern.scheme(), pattern.bucket(), pattern.account(), String.join("/", baseSegments));
        PathMatcher matcher = baseSegments.size() == segments.length
                ? null
                : FileSystems.getDefault().getPathMatcher("glob:/" + pattern.key());
        org.apache.hadoop.fs.Path basePath = new org.apache.hadoop.fs.Path(base.uri());
        FileSystem fs = basePath.getFileSystem(hadoop);
        FileStatus baseStatus;
        try {
            baseStatus = fs.getFileStatus(basePath);
        } catch (FileNotFoundException e) {
            throw new TableSourceException("Parquet files " + location + " not found: nothing at " + base, e);
        }
        if (!baseStatus.isDirectory()) {
            return new Listing(
                    List.of(new Found(base.uri(), basePath, baseStatus.getLen(), null)),
                    baseStatus.getModificationTime());
        }
        List<Found> files = new ArrayList<>();
        long newest = 0;
        RemoteIterator<LocatedFileStatus> listed = fs.listFiles(basePath, true);
        while (listed.hasNext()) {
            LocatedFileStatus status = listed.next();
            ObjectPath object = ObjectPath.parse(status.getPath().toString());
            Path relative =
                    Path.of(object.key().substring(base.directoryPrefix().length()));
            if (hidden(Path.of(""), relative)) {
                continue;
            }
            newest = Math.max(newest, status.getModificationTime());
            if (matcher != null
                    ? matcher.matches(Path.of("/" + object.key()))
                    : object.key().endsWith(".parquet")) {
                files.add(new Found(object.uri(), status.getPath(), status.getLen(), relative.getParent()));
            }
        }
        files.sort(java.util.Comparator.comparing(Found::path));
        return new Listing(files, newest);
    }

    private static boolean hasGlob(String path) {
        return path.contains("*") || path.contains("?") || path.contains("[") || path.contains("{");
    }

    /** Files and directories whose name starts with {@code .} or {@code _} are writers' bookkeeping, not data. */
    private static boolean hidden(Path base, Path path) {
        if (path.equals(base)) {
            return false;
        }
        for (Path part : base.relativize(path)) {
            String name = part.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> hivePartitions(Path relativeDirectory) {
        Map<String, String> values = new LinkedHashMap<>();
        if (relativeDirectory == null) {
            return values;
        }
        for (Path part : relativeDirectory) {
            String segment = part.toString();
            int equals = segment.indexOf('=');
            if (equals > 0) {
                values.put(unescape(segment.substring(0, equals)), unescape(segment.substring(equals + 1)));
            }
        }
        return values;
    }

    /**
     * A Hive directory name's text: {@code %XX} escapes decoded (as Spark and Hive write them, and as UTF-8 bytes, as
     * pyarrow writes them); a {@code +} is a plus, not a space, and a {@code %} that starts no escape stays as it is.
     */
    private static String unescape(String name) {
        try {
            return URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEscaped) {
            return name;
        }
    }

    /**
     * Partition columns typed from their values: whole numbers, then dates, then strings. A column whose every value
     * is null is a string column.
     */
    private static Map<String, ColumnType.Scalar> partitionTypes(List<Map<String, String>> partitions) {
        Map<String, ColumnType.Scalar> types = new LinkedHashMap<>();
        for (Map<String, String> values : partitions) {
            for (Map.Entry<String, String> value : values.entrySet()) {
                types.putIfAbsent(value.getKey(), null);
                ColumnType.Scalar type = valueType(value.getValue());
                if (type != null) {
                    types.merge(value.getKey(), type, (a, b) -> a == b ? a : ColumnType.Scalar.STRING);
                }
            }
        }
        types.replaceAll((name, type) -> type == null ? ColumnType.Scalar.STRING : type);
        return types;
    }

    /** The narrowest type of one partition value; null for a null value, which fits any type. */
    private static ColumnType.Scalar valueType(String value) {
        if (value == null || value.equals(NULL_PARTITION)) {
            return null;
        }
        try {
            Long.parseLong(value);
            return ColumnType.Scalar.INT64;
        } catch (NumberFormatException notANumber) {
            try {
                LocalDate.parse(value);
                return ColumnType.Scalar.DATE;
            } catch (DateTimeParseException notADate) {
                return ColumnType.Scalar.STRING;
            }
        }
    }

    private static Object typed(String value, ColumnType.Scalar type) {
        if (value == null || value.equals(NULL_PARTITION)) {
            return null;
        }
        return switch (type) {
            case INT64 -> Long.parseLong(value);
            case DATE -> LocalDate.parse(value);
            default -> value;
        };
    }

    static ColumnType columnType(Type field) {
        if (field.isPrimitive()) {
            return primitive(field.asPrimitiveType());
        }
        GroupType group = field.asGroupType();
        LogicalTypeAnnotation annotation = group.getLogicalTypeAnnotation();
        if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            Type repeated = group.getType(0);
            Type element = repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1
                    ? repeated
                    : repeated.asGroupType().getType(0);
            return new ColumnType.ListOf(columnType(element));
        }
        if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            GroupType entry = group.getType(0).asGroupType();
            return new ColumnType.MapOf(columnType(entry.getType(0)), columnType(entry.getType(1)));
        }
        return new ColumnType.StructOf(group.getFields().stream()
                .map(f -> new SourceColumn(f.getName(), f.getName(), columnType(f), false))
                .toList());
    }

    private static ColumnType primitive(PrimitiveType type) {
        LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
        if (annotation instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            return ColumnType.Primitive.decimal(decimal.getPrecision(), decimal.getScale());
        }
        ColumnType.Scalar scalar = switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> ColumnType.Scalar.BOOLEAN;
            case INT32 ->
                annotation instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
                        ? ColumnType.Scalar.DATE
                        : annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && i.getBitWidth() == 8
                                ? ColumnType.Scalar.INT8
                                : annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
                                                && i.getBitWidth() == 16
                                        ? ColumnType.Scalar.INT16
                                        : ColumnType.Scalar.INT32;
            case INT64 ->
                annotation instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
                        ? (t.isAdjustedToUTC() ? ColumnType.Scalar.TIMESTAMP : ColumnType.Scalar.TIMESTAMP_NTZ)
                        : ColumnType.Scalar.INT64;
            case INT96 -> ColumnType.Scalar.TIMESTAMP_NTZ;
            case FLOAT -> ColumnType.Scalar.FLOAT32;
            case DOUBLE -> ColumnType.Scalar.FLOAT64;
            case BINARY, FIXED_LEN_BYTE_ARRAY ->
                annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                                || annotation instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                                || annotation instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                        ? ColumnType.Scalar.STRING
                        : annotation instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
                                ? ColumnType.Scalar.UUID
                                : ColumnType.Scalar.BINARY;
        };
        return ColumnType.Primitive.of(scalar);
    }
}
