package io.featureduck.dataplane.write;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.SourceColumn;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends to a Delta table with Delta Kernel's transaction API: DuckDB writes one Parquet file per partition (with
 * physical column names and field ids under column mapping), Kernel turns them into add actions and commits them.
 * Kernel checks each commit against those made since its snapshot; a conflicting one (another pod, Spark) is retried
 * on a fresh snapshot with the same files, which no committed version names until a commit succeeds.
 */
final class DeltaWriter implements TableWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaWriter.class);
    private static final String ENGINE_INFO = "FeatureDuck push";
    private static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
    private static final String FIELD_ID = "delta.columnMapping.id";

    private final String view;
    private final Engine engine;
    private final Path table;
    private final String tableUri;
    private final DataFileWriter files;
    private final int maxAttempts;

    DeltaWriter(String view, Engine engine, Path table, DataFileWriter files, int maxAttempts) {
        this.view = view;
        this.engine = engine;
        this.table = table;
        this.tableUri = table.toUri().toString();
        this.files = files;
        this.maxAttempts = maxAttempts;
    }

    /** Partition values must have a directory name that reads back as the value (see HivePartitionDirectory). */
    @Override
    public void check(PushedRows rows) {
        HivePartitionDirectory.check(view, rows, true);
    }

    @Override
    public Committed append(PushedRows rows) {
        Snapshot snapshot = loadSnapshot();
        StructType schema = snapshot.getSchema();
        List<String> partitionColumns = snapshot.getPartitionColumnNames();
        checkSchema(rows, schema);
        List<Path> written = new ArrayList<>();
        try {
            Map<Map<String, Literal>, List<DataFileStatus>> statuses = new java.util.LinkedHashMap<>();
            List<SourceColumn> dataColumns = rows.columns().stream()
                    .filter(c -> !partitionColumns.contains(c.name()))
                    .toList();
            Transaction first = snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
                    .build(engine);
            Row firstState = first.getTransactionState(engine);
            for (Map.Entry<List<Object>, List<Integer>> group :
                    DataFileWriter.byPartition(rows, partitionColumns).entrySet()) {
                Map<String, Literal> partition = partitionLiterals(partitionColumns, group.getKey(), rows);
                DataWriteContext context = Transaction.getWriteContext(engine, firstState, partition);
                Path file = DataFileWriter.localPath(context.getTargetDirectory())
                        .resolve("part-" + UUID.randomUUID() + ".featureduck.snappy.parquet");
                long size = files.write(rows, group.getValue(), dataColumns, c -> fieldId(schema, c), file);
                written.add(file);
                // As a Hadoop path string (not a URI): Kernel parses it as one and URI-encodes it once for the add
                // action, as the protocol asks. A URI here would be encoded twice, and name a file nobody wrote.
                statuses.computeIfAbsent(partition, p -> new ArrayList<>())
                        .add(new DataFileStatus(
                                new org.apache.hadoop.fs.Path(file.toUri()).toString(),
                                size,
                                Files.getLastModifiedTime(file).toMillis(),
                                Optional.empty()));
            }
            Transaction transaction = first;
            LOG.debug("FeatureView '{}': {} data files written", view, written.size());
            for (int attempt = 1; ; attempt++) {
                try {
                    TransactionCommitResult result = commit(transaction, statuses, written);
                    runHooks(result);
                    return new Committed(result.getVersion(), written.size(), rows.size(), attempt - 1);
                } catch (ConcurrentWriteException e) {
                    if (attempt >= maxAttempts) {
                        throw new FeatureDuckException(
                                ErrorCode.WRITE_FAILED,
                                "FeatureView '" + view + "': the push "
                                        + "conflicted with other writers of its Delta table " + attempt + " times: "
                                        + e.getMessage(),
                                e);
                    }
                    LOG.info(
                            "FeatureView '{}': push commit conflicted ({}); retrying on the newest version",
                            view,
                            e.getClass().getSimpleName());
                    Snapshot fresh = loadSnapshot();
                    checkSchema(rows, fresh.getSchema());
                    transaction = fresh.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
                            .build(engine);
                }
            }
        } catch (IOException e) {
            DataFileWriter.removeUncommitted(written);
            throw new FeatureDuckException(
                    ErrorCode.WRITE_FAILED,
                    "FeatureView '" + view + "': cannot write the " + "pushed rows: " + e.getMessage(),
                    e);
        } catch (KernelException | UnsupportedOperationException e) {
            DataFileWriter.removeUncommitted(written);
            throw new FeatureDuckException(
                    ErrorCode.TABLE_NOT_WRITABLE,
                    "FeatureView '" + view + "': Delta Kernel " + "cannot append to this table: " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            DataFileWriter.removeUncommitted(written);
            throw e;
        }
    }

    private TransactionCommitResult commit(
            Transaction transaction, Map<Map<String, Literal>, List<DataFileStatus>> statuses, List<Path> written) {
        Row state = transaction.getTransactionState(engine);
        List<Row> actions = new ArrayList<>();
        for (Map.Entry<Map<String, Literal>, List<DataFileStatus>> group : statuses.entrySet()) {
            DataWriteContext context = Transaction.getWriteContext(engine, state, group.getKey());
            try (CloseableIterator<Row> rows = Transaction.generateAppendActions(
                    engine,
                    state,
                    io.delta.kernel.internal.util.Utils.toCloseableIterator(
                            group.getValue().iterator()),
                    context)) {
                rows.forEachRemaining(actions::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        checkAddPaths(actions, written);
        return transaction.commit(
                engine,
                CloseableIterable.inMemoryIterable(
                        io.delta.kernel.internal.util.Utils.toCloseableIterator(actions.iterator())));
    }

    /**
     * Each add action's path, resolved as the protocol tells every reader to (a URI relative to the table's root),
     * must name a file this push wrote: a version naming a file that is not there fails every reader of the table.
     */
    private void checkAddPaths(List<Row> actions, List<Path> written) {
        URI root = table.toAbsolutePath().normalize().toUri();
        java.util.Set<Path> files = new java.util.HashSet<>();
        written.forEach(w -> files.add(w.toAbsolutePath().normalize()));
        for (Row action : actions) {
            int addField = action.getSchema().indexOf("add");
            if (addField < 0 || action.isNullAt(addField)) {
                continue;
            }
            Row add = action.getStruct(addField);
            String path = add.getString(add.getSchema().indexOf("path"));
            Path named;
            try {
                named = Path.of(root.resolve(new URI(path))).toAbsolutePath().normalize();
            } catch (URISyntaxException | IllegalArgumentException e) {
                named = null;
            }
            if (named == null || !files.contains(named)) {
                throw new FeatureDuckException(
                        ErrorCode.WRITE_FAILED,
                        "FeatureView '" + view + "': the commit "
                                + "would name a data file that was not written, so it was not made; nothing changed");
            }
        }
    }

    /** Checkpoints and the like: a failing hook leaves a valid commit, so it is logged, not answered. */
    private void runHooks(TransactionCommitResult result) {
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            try {
                hook.threadSafeInvoke(engine);
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "FeatureView '{}': {} after version {} failed: {}",
                        view,
                        hook.getType(),
                        result.getVersion(),
                        e.toString());
            }
        }
    }

    private Snapshot loadSnapshot() {
        try {
            return TableManager.loadSnapshot(tableUri).build(engine);
        } catch (RuntimeException e) {
            throw new FeatureDuckException(
                    ErrorCode.WRITE_FAILED,
                    "FeatureView '" + view + "': cannot read its Delta " + "table to commit the push: "
                            + e.getMessage(),
                    e);
        }
    }

    /** The rows were checked against the served version's columns; the table must still have exactly those. */
    private void checkSchema(PushedRows rows, StructType schema) {
        List<String> now = schema.fields().stream().map(StructField::getName).toList();
        List<String> validated = rows.columns().stream().map(SourceColumn::name).toList();
        if (!now.equals(validated)) {
            throw new FeatureDuckException(
                    ErrorCode.WRITE_FAILED,
                    "FeatureView '" + view + "': its table's columns " + "changed since the push was checked (now "
                            + now + "); retry once the view has refreshed");
        }
        for (StructField field : schema.fields()) {
            SourceColumn column = rows.columns().get(rows.columnIndex(field.getName()));
            String physical = field.getMetadata().contains(PHYSICAL_NAME)
                    ? field.getMetadata().getString(PHYSICAL_NAME)
                    : field.getName();
            if (!physical.equals(column.physicalName())) {
                throw new FeatureDuckException(
                        ErrorCode.WRITE_FAILED,
                        "FeatureView '" + view + "': column '" + field.getName()
                                + "' was renamed in the table since the push was checked; retry");
            }
        }
    }

    private static OptionalInt fieldId(StructType schema, SourceColumn column) {
        StructField field = schema.get(column.name());
        Long id = field.getMetadata().contains(FIELD_ID) ? field.getMetadata().getLong(FIELD_ID) : null;
        return id == null ? OptionalInt.empty() : OptionalInt.of(Math.toIntExact(id));
    }

    private static Map<String, Literal> partitionLiterals(List<String> columns, List<Object> values, PushedRows rows) {
        Map<String, Literal> literals = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            SourceColumn column = rows.columns().get(rows.columnIndex(columns.get(i)));
            literals.put(columns.get(i), HivePartitionDirectory.literal(values.get(i), column.type()));
        }
        return literals;
    }
}
