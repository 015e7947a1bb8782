package io.featureduck.dataplane.offline;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.util.Optional;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches a client uploads on a Flight stream, read one at a time and counted against a budget of bytes. Past the
 * budget the reader ends early and remembers why, so that the caller refuses the request instead of reading a
 * truncated table: the failure is never thrown through DuckDB's C stream, which would lose it.
 */
final class UploadReader extends ArrowReader {
    private final FlightStream stream;
    private final long maxBytes;
    private long bytes;
    private long rows;
    private FeatureDuckException failure;

    UploadReader(BufferAllocator allocator, FlightStream stream, long maxBytes) {
        super(allocator);
        this.stream = stream;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean loadNextBatch() {
        if (failure != null || !stream.next()) {
            return false;
        }
        try (ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
            bytes += batch.computeBodyLength();
            if (bytes > maxBytes) {
                failure = new FeatureDuckException(
                        ErrorCode.BODY_TOO_LARGE,
                        "the entity DataFrame exceeds the limit of " + maxBytes + " bytes of Arrow data "
                                + "(spec.dataPlane.maxHistoricalBodyBytes); split it into smaller requests");
                return false;
            }
            rows += batch.getLength();
            loadRecordBatch(batch);
        }
        return true;
    }

    /** Reads and drops what the client still sends, so that it reads the answer instead of a reset stream. */
    void drain() {
        while (stream.next()) {
            // Each batch is released by the next call.
        }
    }

    long rows() {
        return rows;
    }

    Optional<FeatureDuckException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public long bytesRead() {
        return bytes;
    }

    @Override
    protected void closeReadSource() {
        // The stream is the Flight call's: it closes with the call.
    }

    @Override
    protected Schema readSchema() {
        return stream.getSchema();
    }
}
