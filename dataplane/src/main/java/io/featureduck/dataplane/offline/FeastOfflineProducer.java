package io.featureduck.dataplane.offline;

import io.featureduck.dataplane.auth.AccessControl;
import io.featureduck.dataplane.auth.AccessKind;
import io.featureduck.dataplane.auth.BearerHeader;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.duckdb.ArrowRows;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.TablePull;
import io.featureduck.dataplane.error.ErrorAnswers;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeastErrorDetail;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.error.Redaction;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feast's remote offline store protocol, as {@code feast serve_offline} speaks it and Feast 0.67's
 * {@code offline_store: type: remote} client calls it: one {@code DoExchange} per read, the command as JSON in the
 * descriptor, the entity DataFrame uploaded as Arrow batches and the answer streamed back as Arrow batches.
 *
 * <p>{@code get_historical_features} runs the same point-in-time retrieval as the HTTP route: the upload is written to
 * Parquet as it arrives (within {@code maxHistoricalBodyBytes}), DuckDB joins it, and the result leaves in batches of
 * {@link ArrowRows#BATCH_ROWS} as the client reads them, so neither side is held in memory.
 * {@code pull_latest_from_table_or_query} and {@code pull_all_from_table_or_query} of a view's data source stream its
 * table's rows in the range ({@link TablePull}). Writes ({@code DoPut}:
 * {@code offline_write_batch}, {@code write_logged_features}, {@code persist}) are refused: a view's table is the
 * lakehouse's, written by its own pipelines or by pushes. Every error travels as Feast's error detail
 * ({@link FeastErrorDetail}), which Feast's client raises as the matching {@code feast.errors} exception.
 */
final class FeastOfflineProducer extends NoOpFlightProducer {
    private static final Logger LOG = LoggerFactory.getLogger(FeastOfflineProducer.class);
    /** How long the answer waits for a client that stopped reading before giving up the call. */
    private static final long CLIENT_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    static final FlightServerMiddleware.Key<BearerMiddleware> BEARER =
            FlightServerMiddleware.Key.of("featureduck-auth");

    private final BufferAllocator allocator;
    private final HistoricalRetrieval retrieval;
    private final AccessControl access;
    private final Redaction redaction;
    private final DataPlaneMetrics metrics;
    private final long maxUploadBytes;
    private final int maxConcurrent;
    private final AtomicInteger running = new AtomicInteger();

    FeastOfflineProducer(
            BufferAllocator allocator,
            HistoricalRetrieval retrieval,
            AccessControl access,
            Redaction redaction,
            DataPlaneMetrics metrics,
            long maxUploadBytes,
            int maxConcurrent) {
        this.allocator = allocator;
        this.retrieval = retrieval;
        this.access = access;
        this.redaction = redaction;
        this.metrics = metrics;
        this.maxUploadBytes = maxUploadBytes;
        this.maxConcurrent = maxConcurrent;
    }

    @Override
    public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
        long start = System.nanoTime();
        String outcome = "OK";
        UploadReader upload = new UploadReader(allocator, reader, maxUploadBytes);
        try {
            Grant grant = grant(context);
            ExchangeCommand command =
                    ExchangeCommand.parse(reader.getDescriptor().getCommand());
            switch (command.api()) {
                case GET_HISTORICAL_FEATURES -> historicalFeatures(command, grant, upload, writer);
                case PULL_LATEST_FROM_TABLE_OR_QUERY, PULL_ALL_FROM_TABLE_OR_QUERY -> {
                    upload.drain();
                    pull(command, grant, writer);
                }
                default -> throw unsupported(command.api());
            }
        } catch (FeatureDuckException e) {
            outcome = e.code().name();
            upload.drain();
            writer.error(flightError(e));
        } catch (RuntimeException e) {
            outcome = ErrorCode.INTERNAL.name();
            LOG.error("unexpected failure answering Feast's offline store protocol", e);
            upload.drain();
            writer.error(flightError(new FeatureDuckException(
                    ErrorCode.INTERNAL, "internal error; the data plane log has the details")));
        } finally {
            closeQuietly(upload);
            metrics.grpcTimer("FlightService/DoExchange", outcome)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void historicalFeatures(
            ExchangeCommand command, Grant grant, UploadReader upload, ServerStreamListener writer) {
        if (command.entitySql().isPresent()) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_ENTITY_ROWS,
                    "an entity DataFrame given as SQL is not run by FeatureDuck; pass a pandas DataFrame");
        }
        if (command.featureRefs().isEmpty()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "name at least one feature as view:feature");
        }
        command.featureRefs().stream().map(FeatureRef::view).distinct().forEach(grant::require);
        if (running.incrementAndGet() > maxConcurrent) {
            running.decrementAndGet();
            throw tooManyQueries();
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("featureduck-offline");
            EntityRows rows;
            try {
                rows = retrieval.entityRows(allocator, upload, work);
            } catch (FeatureDuckException e) {
                throw upload.failure().orElse(e);
            }
            if (upload.failure().isPresent()) {
                throw upload.failure().get();
            }
            if (isPlaceholder(upload)) {
                // Feast's client uploads a one-column table {key: "mock_key"} when it has no entity DataFrame.
                throw new FeatureDuckException(
                        ErrorCode.INVALID_ENTITY_ROWS,
                        command.start().isPresent() || command.end().isPresent()
                                ? "retrieval over a time range without an entity DataFrame is not served by this data "
                                        + "plane; pass an entity DataFrame with event_timestamp"
                                : "an entity DataFrame with event_timestamp is required");
            }
            retrieval.retrieve(rows, command.featureRefs(), command.fullFeatureNames(), result -> send(result, writer));
            writer.completed();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running.decrementAndGet();
            deleteQuietly(work);
        }
    }

    /**
     * {@code pull_latest_from_table_or_query} and {@code pull_all_from_table_or_query} where the data source is a
     * served view's table: its rows in the date range, or each entity's latest among them.
     */
    private void pull(ExchangeCommand command, Grant grant, ServerStreamListener writer) {
        ExchangeCommand.Pull asked = command.pull();
        grant.require(asked.dataSource());
        TablePull pull = new TablePull(
                retrieval.servedView(asked.dataSource()),
                asked.joinKeys(),
                asked.features(),
                command.api() == ExchangeCommand.Api.PULL_LATEST_FROM_TABLE_OR_QUERY,
                command.start(),
                command.end());
        pull.check(asked.timestampField());
        if (running.incrementAndGet() > maxConcurrent) {
            running.decrementAndGet();
            throw tooManyQueries();
        }
        try {
            retrieval.pull(pull, result -> send(result, writer));
            writer.completed();
        } finally {
            running.decrementAndGet();
        }
    }

    /** Streams {@code result} to the client as Arrow batches, as fast as it reads them. */
    private void send(ResultSet result, ServerStreamListener writer) throws Exception {
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(writer);
        try (ArrowReader batches = ArrowRows.batches(result, allocator)) {
            VectorSchemaRoot root = batches.getVectorSchemaRoot();
            writer.start(root);
            while (!writer.isCancelled() && batches.loadNextBatch()) {
                writer.putNext();
                if (backpressure.waitForListener(CLIENT_WAIT_MILLIS) != BackpressureStrategy.WaitResult.READY) {
                    break;
                }
            }
        }
    }

    private FeatureDuckException tooManyQueries() {
        return new FeatureDuckException(
                ErrorCode.TOO_MANY_QUERIES,
                "this data plane already runs " + maxConcurrent + " historical queries; retry later");
    }

    private static boolean isPlaceholder(UploadReader upload) {
        try {
            var fields = upload.getVectorSchemaRoot().getSchema().getFields();
            return fields.size() == 1 && fields.get(0).getName().equals("key");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            UploadReader upload = new UploadReader(allocator, flightStream, 0);
            try {
                grant(context);
                ExchangeCommand command =
                        ExchangeCommand.parse(flightStream.getDescriptor().getCommand());
                throw unsupported(command.api());
            } catch (FeatureDuckException e) {
                upload.drain();
                ackStream.onError(flightError(e));
            } finally {
                closeQuietly(upload);
            }
        };
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        throw flightError(legacyFlow());
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        listener.error(flightError(legacyFlow()));
    }

    private static FeatureDuckException legacyFlow() {
        return new FeatureDuckException(
                ErrorCode.METHOD_NOT_ALLOWED,
                "reads are answered on DoExchange, as Feast 0.67's remote offline store calls them; upgrade the feast "
                        + "client to 0.67 or later");
    }

    private static FeatureDuckException unsupported(ExchangeCommand.Api api) {
        return switch (api) {
            case OFFLINE_WRITE_BATCH, WRITE_LOGGED_FEATURES, PERSIST ->
                new FeatureDuckException(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        api.wireName() + " is refused: the offline store is the views' lakehouse tables, written by "
                                + "their own pipelines, or by pushes (Feast's push API) to views that take them");
            default ->
                new FeatureDuckException(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        api.wireName() + " is not served by this data plane; it answers get_historical_features");
        };
    }

    /** The caller's grant for historical reads, from the bearer token Feast's client sends in its headers. */
    private Grant grant(CallContext context) {
        BearerMiddleware bearer = context.getMiddleware(BEARER);
        Optional<String> token = access.required() ? BearerHeader.token(bearer.authorization()) : Optional.empty();
        return access.cached(token, AccessKind.HISTORICAL)
                .orElseGet(() -> access.authenticate(token, AccessKind.HISTORICAL));
    }

    /** {@code failure} as Flight carries it to Feast's client: the status of its code, Feast's error detail. */
    private FlightRuntimeException flightError(FeatureDuckException failure) {
        String message = ErrorAnswers.shown(redaction, "flight", failure.code(), failure.getMessage());
        // Feast's client retries UNAVAILABLE with backoff: only what may succeed later is sent so. Flight has no
        // FAILED_PRECONDITION; its nearest is INVALID_ARGUMENT.
        CallStatus status = failure.code().retryable()
                ? CallStatus.UNAVAILABLE
                : switch (failure.code().grpcStatus()) {
                    case "INVALID_ARGUMENT", "FAILED_PRECONDITION" -> CallStatus.INVALID_ARGUMENT;
                    case "NOT_FOUND" -> CallStatus.NOT_FOUND;
                    case "UNAUTHENTICATED" -> CallStatus.UNAUTHENTICATED;
                    case "PERMISSION_DENIED" -> CallStatus.UNAUTHORIZED;
                    case "RESOURCE_EXHAUSTED" -> CallStatus.RESOURCE_EXHAUSTED;
                    case "DEADLINE_EXCEEDED" -> CallStatus.TIMED_OUT;
                    case "UNIMPLEMENTED" -> CallStatus.UNIMPLEMENTED;
                    default -> CallStatus.INTERNAL;
                };
        // Feast's client finds the detail after this prefix, which pyarrow's server puts before a FlightError's text.
        return status.withDescription("Flight error: " + FeastErrorDetail.of(failure.code(), message))
                .toRuntimeException();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("closing an upload failed", e);
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove the work directory of an offline store call: {}", e.toString());
        }
    }
}
