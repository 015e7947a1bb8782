package io.featureduck.dataplane.source;

import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.storage.ObjectStoreException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.avro.HoodieAvroUtils;
import org.apache.hudi.common.engine.HoodieLocalEngineContext;
import org.apache.hudi.common.fs.FSUtils;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieBaseFile;
import org.apache.hudi.common.model.HoodieFileFormat;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.table.HoodieTableConfig;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.HoodieTableVersion;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.view.HoodieTableFileSystemView;
import org.apache.hudi.exception.HoodieException;
import org.apache.hudi.exception.TableNotFoundException;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;

/**
 * An Apache Hudi table read through Hudi's own timeline and file-system view ({@code hudi-common}): the completed
 * instants of the timeline (layout 1 under {@code .hoodie/} for table version 6, layout 2 under
 * {@code .hoodie/timeline/} for versions 8 and up), and per file group the newest committed file slice, leaving out
 * file groups that a completed {@code replacecommit} (insert overwrite, clustering) replaced. DuckDB then reads the
 * slices' base files.
 *
 * <p>A version is the instant time of the latest completed commit, as a number ({@code 20240418173551906}); its
 * commit time is when that instant completed. Instant times carry no zone; they are read as UTC, which is what Hudi writes with {@code hoodie.table.timeline.timezone=UTC}
 * and what a writer in a UTC JVM writes by default.
 *
 * <p>Merge-on-read tables are served only where every latest file slice is a base file alone (just compacted):
 * FeatureDuck does not merge log files, and a base file without its logs is not the table's latest data.
 */
public final class HudiTableSource implements TableSource {
    private static final DateTimeFormatter INSTANT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
    /** Instant times before Hudi 0.9 had second precision. */
    private static final DateTimeFormatter SECONDS_INSTANT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    static {
        // Hudi reads its Avro commit metadata into its own generated classes, which Avro 1.12 refuses by default.
        ClassSecurityValidator.ClassSecurityPredicate hudiModel =
                type -> type.getPackageName().equals("org.apache.hudi.avro.model");
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), hudiModel));
    }

    private final TableLocation location;
    private final HadoopStorageConfiguration storage;

    public HudiTableSource(TableLocation location, Configuration hadoop) {
        this.location = location;
        this.storage = new HadoopStorageConfiguration(hadoop);
    }

    @Override
    public String formatName() {
        return "hudi";
    }

    @Override
    public TableSnapshot latestSnapshot() {
        return read(() -> {
            HoodieTableMetaClient table = open();
            Optional<HoodieTimeline> completed = completedCommits(table);
            Optional<HoodieInstant> last =
                    completed.flatMap(timeline -> timeline.lastInstant().toJavaOptional());
            return last.isPresent() ? describe(table, completed.get(), last.get()) : created(table);
        });
    }

    @Override
    public TableSnapshot snapshotAt(long version) {
        return read(() -> {
            HoodieTableMetaClient table = open();
            Optional<HoodieTimeline> timeline = completedCommits(table);
            String instantTime = Long.toString(version);
            Optional<HoodieInstant> instant = timeline.flatMap(t -> t.getInstantsAsStream()
                    .filter(i -> i.requestedTime().equals(instantTime))
                    .findFirst());
            if (instant.isEmpty()) {
                List<String> newest = timeline.stream()
                        .flatMap(HoodieTimeline::getInstantsAsStream)
                        .map(HoodieInstant::requestedTime)
                        .toList();
                throw new TableSourceException("Hudi table " + location + " has no completed instant " + version
                        + " on its active timeline (it may have been archived or rolled back); its newest are "
                        + newest.subList(Math.max(0, newest.size() - 10), newest.size()));
            }
            return describe(table, timeline.get().findInstantsBeforeOrEquals(instantTime), instant.get());
        });
    }

    /** The latest instant that had completed at {@code time} ({@link #completedAt}). */
    @Override
    public OptionalLong versionAsOf(Instant time) {
        return read(() -> {
            HoodieTableMetaClient table = open();
            return currentAt(table, completedInstants(table), time)
                    .map(i -> OptionalLong.of(version(i)))
                    .orElse(OptionalLong.empty());
        });
    }

    /** The instant current at {@code from}, then every one completed after it up to {@code to}, from one timeline. */
    @Override
    public List<Long> versionsBetween(Instant from, Instant to) {
        return read(() -> {
            HoodieTableMetaClient table = open();
            List<HoodieInstant> completed = completedInstants(table);
            List<Long> versions = new ArrayList<>();
            currentAt(table, completed, from).ifPresent(first -> versions.add(version(first)));
            for (HoodieInstant instant : completed) {
                Instant at = completedAt(table, instant);
                if (at.isAfter(from) && !at.isAfter(to)) {
                    versions.add(version(instant));
                }
            }
            return versions;
        });
    }

    /**
     * The latest of {@code completed} that had completed at {@code time}; empty when none had, unless older instants
     * were archived: answering "no table yet" then would turn an old entity row's features into nulls without a word.
     */
    private Optional<HoodieInstant> currentAt(
            HoodieTableMetaClient table, List<HoodieInstant> completed, Instant time) {
        Optional<HoodieInstant> current = completed.stream()
                .filter(i -> !completedAt(table, i).isAfter(time))
                .reduce((first, second) -> second);
        if (current.isEmpty() && !completed.isEmpty() && hasArchivedInstants(table)) {
            throw new TableSourceException("Hudi table " + location + ": the instants current at " + time
                    + " have been archived (the active timeline starts at "
                    + completed.get(0).requestedTime()
                    + "), and FeatureDuck reads only the active timeline; keep more commits active "
                    + "(hoodie.keep.min.commits, hoodie.keep.max.commits) to look further back");
        }
        return current;
    }

    private static long version(HoodieInstant instant) {
        return Long.parseLong(instant.requestedTime());
    }

    private static List<HoodieInstant> completedInstants(HoodieTableMetaClient table) {
        return completedCommits(table).stream()
                .flatMap(HoodieTimeline::getInstantsAsStream)
                .toList();
    }

    /**
     * When {@code instant} became part of the table. Table versions 8 and up record when each instant completed;
     * version 6 records only when it was requested (Hudi's library then reports the file's modification time, which
     * a copy of the table changes), so the requested time stands for both.
     */
    private Instant completedAt(HoodieTableMetaClient table, HoodieInstant instant) {
        boolean completionTimes =
                table.getTableConfig().getTableVersion().greaterThanOrEquals(HoodieTableVersion.EIGHT);
        return instantTime(completionTimes ? instant.getCompletionTime() : instant.requestedTime());
    }

    /**
     * With several writers an instant requested earlier can complete after a later one, adding files without changing
     * the newest instant time: equal versions are the same only when they name the same files.
     */
    @Override
    public boolean isSameVersion(TableSnapshot served, TableSnapshot latest) {
        return served.version() == latest.version()
                && SnapshotChanges.between(served, latest).isEmpty();
    }

    private HoodieTableMetaClient open() {
        return HoodieTableMetaClient.builder()
                .setConf(storage.newInstance())
                .setBasePath(location.uri())
                .build();
    }

    /** Whether instants older than the active timeline were moved to the archived timeline. */
    private static boolean hasArchivedInstants(HoodieTableMetaClient table) {
        try {
            return table.getStorage().exists(table.getArchivePath())
                    && !table.getStorage()
                            .listDirectEntries(table.getArchivePath())
                            .isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the archived timeline: " + e.getMessage(), e);
        }
    }

    /** The completed commits; none when the table was created and never written, leaving no timeline directory. */
    private static Optional<HoodieTimeline> completedCommits(HoodieTableMetaClient table) {
        try {
            if (!table.getStorage().exists(table.getTimelinePath())) {
                return Optional.empty();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the timeline: " + e.getMessage(), e);
        }
        return Optional.of(table.getActiveTimeline().getCommitsTimeline().filterCompletedInstants());
    }

    /** The table as of {@code instant}, with the file slices committed on the timeline {@code visible}. */
    private TableSnapshot describe(HoodieTableMetaClient table, HoodieTimeline visible, HoodieInstant instant) {
        HoodieTableConfig config = table.getTableConfig();
        refuseWhatCannotBeRead(config);
        List<SourceColumn> columns = columns(schema(table, instant));
        List<DataFile> files = new ArrayList<>();
        HoodieLocalEngineContext context = new HoodieLocalEngineContext(table.getStorageConf());
        try (HoodieTableFileSystemView view =
                HoodieTableFileSystemView.fileListingBasedFileSystemView(context, table, visible)) {
            int logFiles = 0;
            for (String partition : FSUtils.getAllPartitionPaths(context, table, false)) {
                for (FileSlice slice : view.getLatestFileSlices(partition).toList()) {
                    logFiles += (int) slice.getLogFiles().count();
                    files.add(dataFile(slice));
                }
            }
            if (config.getTableType() == HoodieTableType.MERGE_ON_READ && logFiles > 0) {
                throw new TableSourceException("Hudi table " + location + " is a merge-on-read table whose latest "
                        + "file slices hold " + logFiles + " log file(s) of updates and deletes not yet compacted "
                        + "into base files; FeatureDuck does not merge log files and will not serve base files "
                        + "alone as the latest data. Compact the table (Hudi compaction, e.g. Spark's "
                        + "CALL run_compaction), or serve a copy-on-write copy of it");
            }
        }
        return new TableSnapshot(location.toString(), version(instant), completedAt(table, instant), columns, files);
    }

    /**
     * A table created and never written: no files, and the schema it was created with, which holds no meta columns
     * yet.
     */
    private TableSnapshot created(HoodieTableMetaClient table) {
        refuseWhatCannotBeRead(table.getTableConfig());
        Schema created = table.getTableConfig()
                .getTableCreateSchema()
                .toJavaOptional()
                .orElseThrow(() -> new TableSourceException("Hudi table " + location + " has no commit and no "
                        + HoodieTableConfig.CREATE_SCHEMA.key() + ": it has no schema to serve yet"));
        Schema schema =
                table.getTableConfig().populateMetaFields() ? HoodieAvroUtils.addMetadataFields(created) : created;
        return new TableSnapshot(location.toString(), 0, Instant.EPOCH, columns(schema), List.of());
    }

    /** Table layouts this reader would read wrongly, refused rather than served with missing or stale values. */
    private void refuseWhatCannotBeRead(HoodieTableConfig config) {
        if (config.getBaseFileFormat() != HoodieFileFormat.PARQUET || config.isMultipleBaseFileFormatsEnabled()) {
            throw new TableSourceException("Hudi table " + location + " keeps its base files as "
                    + (config.isMultipleBaseFileFormatsEnabled() ? "several formats" : config.getBaseFileFormat())
                    + "; FeatureDuck reads Parquet base files only");
        }
        if (config.getBoolean(HoodieTableConfig.DROP_PARTITION_COLUMNS)) {
            throw new TableSourceException("Hudi table " + location + " was written with "
                    + HoodieTableConfig.DROP_PARTITION_COLUMNS.key() + "=true, so its partition columns are only in "
                    + "its directory names, which FeatureDuck does not parse; rewrite it with the partition columns "
                    + "kept in the data files");
        }
        if (config.getBootstrapBasePath().isPresent()) {
            throw new TableSourceException("Hudi table " + location + " is a bootstrapped table whose rows partly "
                    + "live in the source table it was bootstrapped from, which FeatureDuck does not read");
        }
    }

    private DataFile dataFile(FileSlice slice) {
        Optional<HoodieBaseFile> base = slice.getBaseFile().toJavaOptional();
        if (base.isEmpty()) {
            throw new TableSourceException("Hudi table " + location + ": file group " + slice.getFileGroupId()
                    + " has only log files in its latest slice, which FeatureDuck does not merge; compact the table");
        }
        String path = DataFile.pathOf(new org.apache.hadoop.fs.Path(base.get().getPath()).toUri());
        return new DataFile(path, base.get().getFileSize(), Map.of(), new long[0]);
    }

    /**
     * The table's schema as of {@code instant}, from that commit's metadata, with Hudi's meta columns when the table
     * stores them: a view sees them only if it names them.
     */
    private Schema schema(HoodieTableMetaClient table, HoodieInstant instant) {
        try {
            return new TableSchemaResolver(table)
                    .getTableAvroSchema(instant, table.getTableConfig().populateMetaFields());
        } catch (HoodieException e) {
            throw e;
        } catch (Exception e) {
            throw new TableSourceException(
                    "Hudi table " + location + ": cannot resolve its schema: " + e.getMessage(), e);
        }
    }

    private List<SourceColumn> columns(Schema schema) {
        List<SourceColumn> columns = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            columns.add(new SourceColumn(field.name(), field.name(), columnType(field.schema(), field.name()), false));
        }
        return columns;
    }

    /** Avro as Hudi writes it from Spark: nullable unions, logical dates, timestamps and decimals. */
    private ColumnType columnType(Schema schema, String column) {
        Schema type = nonNull(schema, column);
        LogicalType logical = type.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return ColumnType.Primitive.decimal(decimal.getPrecision(), decimal.getScale());
        }
        if (logical instanceof LogicalTypes.Date) {
            return ColumnType.Primitive.of(ColumnType.Scalar.DATE);
        }
        if (logical instanceof LogicalTypes.TimestampMicros || logical instanceof LogicalTypes.TimestampMillis) {
            return ColumnType.Primitive.of(ColumnType.Scalar.TIMESTAMP);
        }
        if (logical instanceof LogicalTypes.LocalTimestampMicros
                || logical instanceof LogicalTypes.LocalTimestampMillis) {
            return ColumnType.Primitive.of(ColumnType.Scalar.TIMESTAMP_NTZ);
        }
        if (logical != null && "uuid".equals(logical.getName())) {
            return ColumnType.Primitive.of(ColumnType.Scalar.UUID);
        }
        return switch (type.getType()) {
            case BOOLEAN -> ColumnType.Primitive.of(ColumnType.Scalar.BOOLEAN);
            case INT -> ColumnType.Primitive.of(ColumnType.Scalar.INT32);
            case LONG -> ColumnType.Primitive.of(ColumnType.Scalar.INT64);
            case FLOAT -> ColumnType.Primitive.of(ColumnType.Scalar.FLOAT32);
            case DOUBLE -> ColumnType.Primitive.of(ColumnType.Scalar.FLOAT64);
            case STRING, ENUM -> ColumnType.Primitive.of(ColumnType.Scalar.STRING);
            case BYTES, FIXED -> ColumnType.Primitive.of(ColumnType.Scalar.BINARY);
            case ARRAY -> new ColumnType.ListOf(columnType(type.getElementType(), column));
            case MAP ->
                new ColumnType.MapOf(
                        ColumnType.Primitive.of(ColumnType.Scalar.STRING), columnType(type.getValueType(), column));
            case RECORD ->
                new ColumnType.StructOf(type.getFields().stream()
                        .map(f -> new SourceColumn(
                                f.name(), f.name(), columnType(f.schema(), column + "." + f.name()), false))
                        .toList());
            default ->
                throw new TableSourceException("Hudi table " + location + ": column '" + column + "' has Avro "
                        + "type " + type.getType() + ", which FeatureDuck cannot read");
        };
    }

    private Schema nonNull(Schema schema, String column) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        List<Schema> types = schema.getTypes().stream()
                .filter(t -> t.getType() != Schema.Type.NULL)
                .toList();
        if (types.size() != 1) {
            throw new TableSourceException("Hudi table " + location + ": column '" + column + "' is a union of "
                    + types.size() + " types, which FeatureDuck cannot read");
        }
        return types.get(0);
    }

    private Instant instantTime(String time) {
        try {
            DateTimeFormatter format = time.length() == 14 ? SECONDS_INSTANT_TIME : INSTANT_TIME;
            return LocalDateTime.parse(time, format).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new TableSourceException(
                    "Hudi table " + location + ": instant time '" + time
                            + "' is not a Hudi instant time (yyyyMMddHHmmssSSS)",
                    e);
        }
    }

    private <T> T read(Supplier<T> action) {
        try {
            return action.get();
        } catch (TableSourceException e) {
            throw e;
        } catch (TableNotFoundException e) {
            throw new TableSourceException(
                    "Hudi table " + location + " not found: no .hoodie/hoodie.properties there", e);
        } catch (LinkageError e) {
            // Hudi loads some classes only on the paths that need them: a build missing one fails this view, not the
            // thread that refreshes every view.
            throw new TableSourceException(
                    "Hudi table " + location + " cannot be read: a class Hudi needs is " + "missing from this build ("
                            + e + ")",
                    e);
        } catch (RuntimeException e) {
            Optional<ObjectStoreException> store = ObjectStoreException.in(e);
            String reason = store.isPresent()
                    ? store.get().getMessage()
                    : e instanceof HoodieException
                                    || e instanceof java.io.UncheckedIOException
                                    || e instanceof IllegalArgumentException
                                    || e instanceof IllegalStateException
                            ? e.getMessage()
                            : e.toString();
            throw new TableSourceException("Hudi table " + location + " cannot be read: " + reason, e);
        }
    }
}
