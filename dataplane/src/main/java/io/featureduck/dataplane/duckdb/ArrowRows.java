package io.featureduck.dataplane.duckdb;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * Arrow record batches into and out of DuckDB through Arrow's C data interface, batch by batch: an uploaded stream of
 * entity rows is written to Parquet as it arrives, and a result is read out as batches, so neither is held whole.
 */
public final class ArrowRows {
    /** Rows per batch read out of a result: large enough to amortize a batch, small enough to stream. */
    public static final int BATCH_ROWS = 64 * 1024;

    private ArrowRows() {}

    /**
     * Writes {@code rows} (read to its end) to {@code file} as Parquet, with DuckDB, for a retrieval to read as it reads
     * any uploaded entity file.
     *
     * @param session a session that may write {@code file}'s directory
     * @throws FeatureDuckException {@code INVALID_ENTITY_ROWS} when DuckDB cannot read the batches (a type it does not
     *                              know); a failure of {@code rows} itself (a budget) propagates as thrown
     */
    public static EntityRows toParquet(DuckDbSession session, BufferAllocator allocator, ArrowReader rows, Path file) {
        try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
            Data.exportArrayStream(allocator, rows, stream);
            DuckDBConnection connection = session.connection().unwrap(DuckDBConnection.class);
            connection.registerArrowStream("uploaded_entity_rows", stream);
            session.execute("COPY (SELECT * FROM uploaded_entity_rows) TO "
                    + Sql.stringLiteral(file.toAbsolutePath().toString()) + " (FORMAT parquet)");
        } catch (SQLException e) {
            throw failureOf(e);
        }
        return EntityRows.of(file);
    }

    /** The rows of {@code result} as Arrow batches of up to {@link #BATCH_ROWS}; the reader is the caller's to close. */
    public static ArrowReader batches(ResultSet result, BufferAllocator allocator) throws SQLException {
        return (ArrowReader) result.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, BATCH_ROWS);
    }

    /**
     * What went wrong reading an upload: a failure the reader raised (a budget) is rethrown as itself, when DuckDB kept
     * it as the cause; anything else is the upload's fault.
     */
    private static RuntimeException failureOf(SQLException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof FeatureDuckException known) {
                return known;
            }
        }
        return new FeatureDuckException(
                ErrorCode.INVALID_ENTITY_ROWS, "the entity rows cannot be read: " + e.getMessage(), e);
    }
}
