package io.featureduck.dataplane.demo;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes real Delta tables for the demo, benchmarks and tests: DuckDB writes the Parquet files, Delta Kernel commits
 * them, so any Delta reader (Spark, delta-rs, DuckDB's delta extension) reads the result. The data plane itself never
 * writes tables.
 */
public final class DeltaTableWriter {
    private static final String ENGINE_INFO = "FeatureDuck";

    private final Engine engine;
    private final Path table;

    public DeltaTableWriter(Engine engine, Path table) {
        this.engine = engine;
        this.table = table.toAbsolutePath().normalize();
    }

    /**
     * Appends the rows of {@code select} as one new table version, creating the table with {@code schema} if it does
     * not exist. The query's columns must match the schema by name and type.
     *
     * @return the committed version
     */
    public long append(DuckDbSession session, String select, StructType schema) {
        return append(session, List.of(select), schema);
    }

    /** Appends several queries, one Parquet file each, as one table version. */
    public long append(DuckDbSession session, List<String> selects, StructType schema) {
        try {
            Files.createDirectories(table);
            Transaction transaction = transaction(schema);
            Row state = transaction.getTransactionState(engine);
            DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
            Path directory = Path.of(java.net.URI.create(toUri(context.getTargetDirectory())));
            List<DataFileStatus> written = new ArrayList<>();
            for (String select : selects) {
                Path file = directory.resolve("part-" + UUID.randomUUID() + ".snappy.parquet");
                session.execute("COPY (" + select + ") TO " + Sql.stringLiteral(file.toString())
                        + " (FORMAT parquet, COMPRESSION snappy)");
                written.add(new DataFileStatus(
                        file.toUri().toString(),
                        Files.size(file),
                        Files.getLastModifiedTime(file).toMillis(),
                        Optional.empty()));
            }
            CloseableIterator<Row> actions = Transaction.generateAppendActions(
                    engine,
                    state,
                    io.delta.kernel.internal.util.Utils.toCloseableIterator(written.iterator()),
                    context);
            TransactionCommitResult result = transaction.commit(engine, CloseableIterable.inMemoryIterable(actions));
            return result.getVersion();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot write data files of Delta table " + table + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Delta table " + table, e);
        }
    }

    private Transaction transaction(StructType schema) {
        try {
            Snapshot snapshot =
                    TableManager.loadSnapshot(table.toUri().toString()).build(engine);
            return snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
                    .build(engine);
        } catch (TableNotFoundException e) {
            return TableManager.buildCreateTableTransaction(table.toUri().toString(), schema, ENGINE_INFO)
                    .build(engine);
        }
    }

    private static String toUri(String kernelPath) {
        return kernelPath.startsWith("file:")
                ? new org.apache.hadoop.fs.Path(kernelPath).toUri().toString()
                : Path.of(kernelPath).toUri().toString();
    }
}
