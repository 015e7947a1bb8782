package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.EntitySelection;
import io.featureduck.dataplane.duckdb.EventRange;
import io.featureduck.dataplane.duckdb.OutputFormat;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /v1/features/historical}: point-in-time correct features for a set of entity rows.
 *
 * <p>JSON in: {@code {"features": ["view:feature"], "entity_rows": [{...,"event_timestamp": ...}],
 * "full_feature_names": false}}; or the entity rows as a CSV ({@code text/csv}) or Parquet
 * ({@code application/vnd.apache.parquet}) body with {@code ?features=a:x,b:y}. Instead of entity rows, a JSON
 * request may name a time range, {@code "start_date"} and {@code "end_date"} as Feast's SDK does ({@link EventRange}).
 * Out, by {@code Accept}:
 * {@code {"rows": [...]}} (default), NDJSON, CSV or Parquet.
 *
 * <p>Memory stays bounded whatever the size: the request body streams to a file, DuckDB reads it from there and
 * writes the result to a file, which streams to the client. A client that goes away cancels the query.
 */
final class HistoricalFeaturesHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final HistoricalRetrieval retrieval;
    private final WorkerExecutor workers;
    private final ObjectMapper mapper;
    private final long maxBodyBytes;
    private final int maxConcurrent;
    private final AtomicInteger admitted = new AtomicInteger();

    HistoricalFeaturesHandler(
            Vertx vertx,
            HistoricalRetrieval retrieval,
            WorkerExecutor workers,
            ObjectMapper mapper,
            long maxBodyBytes,
            int maxConcurrent) {
        this.vertx = vertx;
        this.retrieval = retrieval;
        this.workers = workers;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
        this.maxConcurrent = maxConcurrent;
    }

    /** What a request asks for, once its body is on disk. */
    private record Request(EntitySelection rows, List<FeatureRef> features, boolean fullNames) {}

    @Override
    public void handle(RoutingContext ctx) {
        // Hold the body until the file it streams into is open.
        ctx.request().pause();
        // Admission before anything is read or written: beyond the limit a query would only queue for a worker while
        // its upload fills the disk.
        if (admitted.incrementAndGet() > maxConcurrent) {
            admitted.decrementAndGet();
            ctx.fail(new FeatureDuckException(
                    ErrorCode.TOO_MANY_QUERIES,
                    "this data plane already runs " + maxConcurrent + " historical queries; retry later"));
            return;
        }
        ctx.addEndHandler(done -> admitted.decrementAndGet());
        long declared = declaredLength(ctx);
        if (declared > maxBodyBytes) {
            ctx.fail(tooLarge());
            return;
        }
        Path work;
        try {
            work = Files.createTempDirectory("featureduck-historical");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.addEndHandler(done -> deleteQuietly(work));
        String contentType = ctx.request().getHeader("content-type");
        String type = contentType == null ? "application/json" : contentType.toLowerCase(Locale.ROOT);
        Path body = work.resolve(
                type.contains("csv")
                        ? "entities.csv"
                        : type.contains("parquet") || type.contains("octet-stream")
                                ? "entities.parquet"
                                : "request.json");
        vertx.fileSystem()
                .open(body.toString(), new OpenOptions().setWrite(true).setCreate(true))
                .compose(file -> receive(ctx, file))
                .onFailure(ctx::fail)
                .onSuccess(done -> run(ctx, work, body));
    }

    /**
     * Streams the body into {@code file}, counting what actually arrives: a chunked upload, or one whose
     * {@code Content-Length} lies, is cut off at the limit like any other. Completes once the file is closed.
     */
    private Future<Void> receive(RoutingContext ctx, AsyncFile file) {
        HttpServerRequest request = ctx.request();
        Promise<Void> received = Promise.promise();
        long[] bytes = {0};
        request.handler(chunk -> {
            bytes[0] += chunk.length();
            if (bytes[0] > maxBodyBytes) {
                request.handler(null);
                request.endHandler(null);
                // The client may still be sending: answer, then drop the connection rather than read the rest.
                ctx.response().putHeader("connection", "close");
                file.close().onComplete(closed -> received.tryFail(tooLarge()));
                return;
            }
            file.write(chunk);
            if (file.writeQueueFull()) {
                request.pause();
                file.drainHandler(drained -> request.resume());
            }
        });
        request.exceptionHandler(e -> file.close().onComplete(closed -> received.tryFail(e)));
        // A write that fails (a full disk) must not leave a truncated body to be queried as if it were whole.
        file.exceptionHandler(e -> {
            request.handler(null);
            file.close().onComplete(closed -> received.tryFail(e));
        });
        request.endHandler(end -> file.close().onComplete(closed -> {
            if (closed.succeeded()) {
                received.tryComplete();
            } else {
                received.tryFail(closed.cause());
            }
        }));
        if (request.headers().contains("expect", "100-continue", true)) {
            // curl waits for this before it sends a body over 1 KiB; the body handler of the other routes sends it.
            ctx.response().writeContinue();
        }
        request.resume();
        return received.future();
    }

    private FeatureDuckException tooLarge() {
        return new FeatureDuckException(
                ErrorCode.BODY_TOO_LARGE,
                "the historical request body exceeds the limit of " + maxBodyBytes
                        + " bytes (spec.dataPlane.maxHistoricalBodyBytes)");
    }

    /** The declared body length; a missing or malformed header counts as unknown, as Netty's codec treats it. */
    private static long declaredLength(RoutingContext ctx) {
        String header = ctx.request().getHeader("content-length");
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void run(RoutingContext ctx, Path work, Path body) {
        OutputFormat format = OutputFormat.forAccept(ctx.request().getHeader("accept"));
        Path out = work.resolve("result");
        AtomicReference<Statement> running = new AtomicReference<>();
        HttpServerResponse response = ctx.response();
        response.closeHandler(closed -> cancel(running.get()));
        Grant grant = Authentication.grant(ctx);
        workers.executeBlocking(
                        () -> {
                            Request request = body.getFileName().toString().equals("request.json")
                                    ? fromJson(body, work)
                                    : fromFile(ctx, body);
                            request.features().forEach(ref -> grant.require(ref.view()));
                            retrieval.export(
                                    request.rows(), request.features(), request.fullNames(), format, out, running::set);
                            return out;
                        },
                        false)
                .onFailure(ctx::fail)
                .onSuccess(result -> send(ctx, format, result));
    }

    private Request fromFile(RoutingContext ctx, Path body) {
        List<String> features = ctx.queryParam("features");
        if (features.isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_FIELD,
                    "with a CSV or Parquet body, name the features in the "
                            + "query: ?features=view:feature,view:other");
        }
        List<FeatureRef> refs = new ArrayList<>();
        for (String list : features) {
            for (String ref : list.split(",")) {
                refs.add(FeatureRef.parse(ref.trim()));
            }
        }
        boolean fullNames = ctx.queryParam("full_feature_names").stream().anyMatch("true"::equalsIgnoreCase);
        return new Request(EntityRows.of(body), refs, fullNames);
    }

    /**
     * Reads the JSON request with a streaming parser, copying {@code entity_rows} to a newline-delimited file one row
     * at a time, so a request of millions of rows never sits in memory.
     */
    private Request fromJson(Path body, Path work) throws IOException {
        Path rows = work.resolve("entities.ndjson");
        List<FeatureRef> refs = new ArrayList<>();
        boolean fullNames = false;
        boolean sawRows = false;
        String start = null;
        String end = null;
        JsonFactory factory = mapper.getFactory();
        try (InputStream in = Files.newInputStream(body);
                JsonParser parser = factory.createParser(in);
                OutputStream out = Files.newOutputStream(rows);
                JsonGenerator writer = factory.createGenerator(out)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "features" -> {
                        JsonNode list = parser.readValueAsTree();
                        if (!list.isArray()) {
                            throw new FeatureDuckException(
                                    ErrorCode.INVALID_FIELD, "field 'features' must be an array");
                        }
                        list.forEach(ref -> refs.add(FeatureRef.parse(ref.asText())));
                    }
                    case "entity_rows" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new FeatureDuckException(
                                    ErrorCode.INVALID_FIELD, "field 'entity_rows' must be an array");
                        }
                        sawRows = true;
                        writer.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
                        int index = 0;
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            JsonNode row = parser.readValueAsTree();
                            if (!row.isObject() || !row.hasNonNull(EntityRows.TIMESTAMP_COLUMN)) {
                                throw new FeatureDuckException(
                                        ErrorCode.INVALID_FIELD,
                                        "entity_rows[" + index + "] must be an object with an '"
                                                + EntityRows.TIMESTAMP_COLUMN + "'");
                            }
                            writer.writeTree(row);
                            index++;
                        }
                        if (index == 0) {
                            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'entity_rows' is empty");
                        }
                    }
                    case "full_feature_names" -> fullNames = parser.getValueAsBoolean();
                    case "start_date" -> start = parser.getValueAsString();
                    case "end_date" -> end = parser.getValueAsString();
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_JSON, "request body has content after its JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_JSON, "request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (refs.isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_FIELD, "field 'features' is required: a list of view:feature");
        }
        if (sawRows && (start != null || end != null)) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD, "send either 'entity_rows' or 'start_date' and 'end_date', not both");
        }
        if (!sawRows) {
            if (start == null) {
                throw new FeatureDuckException(
                        ErrorCode.MISSING_FIELD,
                        "field 'entity_rows' is required, or a time range: 'start_date' (and 'end_date', by default "
                                + "now) for every entity and event time of the views in [start_date, end_date)");
            }
            return new Request(TimeRanges.of(start, end), refs, fullNames);
        }
        return new Request(EntityRows.of(rows), refs, fullNames);
    }

    private void send(RoutingContext ctx, OutputFormat format, Path result) {
        HttpServerResponse response = ctx.response().putHeader("content-type", format.mediaType());
        if (format != OutputFormat.JSON) {
            response.sendFile(result.toString());
            return;
        }
        response.setChunked(true).write("{\"rows\": ");
        // The file is closed however the copy ends: an open descriptor would keep the deleted result on disk.
        vertx.fileSystem()
                .open(result.toString(), new OpenOptions().setRead(true))
                .compose(file -> file.pipe().endOnSuccess(false).to(response).eventually(file::close))
                .onSuccess(done -> response.end("}"))
                .onFailure(e -> response.reset());
    }

    private static void cancel(Statement statement) {
        if (statement != null) {
            try {
                statement.cancel();
            } catch (SQLException ignored) {
                // The query has finished or the statement is closed: nothing left to stop.
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is harmless; the OS temp cleaner removes it.
        }
    }
}
