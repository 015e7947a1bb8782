package io.featureduck.dataplane.error;

/**
 * Every error a client of the data plane can receive, with the HTTP status and the gRPC status code it is answered
 * with, and whether the same request may succeed later. The same condition has the same code on every route;
 * {@code docs/ERRORS.md} lists them with what a client should do (a test keeps the two in step).
 */
public enum ErrorCode {
    /** The body is not a JSON object. */
    INVALID_JSON(400, "INVALID_ARGUMENT", false),
    /** A required field is absent. */
    MISSING_FIELD(400, "INVALID_ARGUMENT", false),
    /** A field has the wrong shape or type. */
    INVALID_FIELD(400, "INVALID_ARGUMENT", false),
    /** A feature reference is not {@code view:feature}, is repeated, or two would share an output name. */
    INVALID_FEATURE_REF(400, "INVALID_ARGUMENT", false),
    /** An entity lacks a join key of a requested view. */
    MISSING_JOIN_KEY(400, "INVALID_ARGUMENT", false),
    /** An on-demand feature was asked for without the request data its expression reads. */
    MISSING_REQUEST_DATA(400, "INVALID_ARGUMENT", false),
    /** A join key's value does not have the key's declared type. */
    WRONG_KEY_TYPE(400, "INVALID_ARGUMENT", false),
    /** Historical entity rows that cannot be read as a table with an {@code event_timestamp}. */
    INVALID_ENTITY_ROWS(400, "INVALID_ARGUMENT", false),
    /** More entities than {@code spec.dataPlane.maxBatchEntities}. */
    BATCH_TOO_LARGE(400, "INVALID_ARGUMENT", false),
    /** A request body over the data plane's limit. */
    BODY_TOO_LARGE(413, "RESOURCE_EXHAUSTED", false),
    /** An answer that would exceed {@code spec.dataPlane.maxResponseBytes}: ask for fewer entities or features. */
    RESPONSE_TOO_LARGE(413, "RESOURCE_EXHAUSTED", false),
    /** No credentials, or credentials this data plane does not accept. */
    UNAUTHENTICATED(401, "UNAUTHENTICATED", false),
    /** An authenticated caller without permission for the view it named. */
    FORBIDDEN(403, "PERMISSION_DENIED", false),
    /** The Kubernetes API could not check the caller's token or permissions right now. */
    AUTH_UNAVAILABLE(503, "UNAVAILABLE", true),
    /** More historical queries at once than {@code spec.dataPlane.maxConcurrentHistorical}. */
    TOO_MANY_QUERIES(503, "RESOURCE_EXHAUSTED", true),
    /** A connection that sent its request too slowly. */
    REQUEST_TIMEOUT(408, "DEADLINE_EXCEEDED", true),
    /** A feature view that this data plane does not serve. */
    UNKNOWN_FEATURE_VIEW(404, "NOT_FOUND", false),
    /** A view of the configuration that is not served because its definition was refused (the message says why). */
    VIEW_REFUSED(409, "FAILED_PRECONDITION", false),
    /** A feature service that this data plane does not serve. */
    UNKNOWN_FEATURE_SERVICE(404, "NOT_FOUND", false),
    /** The feature service is in the configuration but refused: it names what no served view has. */
    FEATURE_SERVICE_REFUSED(409, "FAILED_PRECONDITION", false),
    /** A feature the view does not define. */
    UNKNOWN_FEATURE(404, "NOT_FOUND", false),
    /** An online lookup of a view kept for historical retrieval only ({@code spec.online: false}). */
    VIEW_NOT_ONLINE(400, "FAILED_PRECONDITION", false),
    /** A view whose first load has not finished, or failed. */
    VIEW_NOT_READY(503, "UNAVAILABLE", true),
    /** A table that cannot be read right now: an unreachable object store, a missing file, a broken commit. */
    TABLE_UNAVAILABLE(503, "UNAVAILABLE", true),
    /** A view whose definition its table cannot satisfy: missing columns, wrong types, repeated snapshot keys. */
    VIEW_DEFINITION_MISMATCH(409, "FAILED_PRECONDITION", false),
    /** A push to a push source (or a view, for {@code /write-to-online-store}) no view of this data plane takes. */
    PUSH_SOURCE_NOT_FOUND(404, "NOT_FOUND", false),
    /** A push to a view whose {@code spec.push} does not accept pushes. */
    PUSH_NOT_ACCEPTED(409, "FAILED_PRECONDITION", false),
    /** A push whose rows do not fit the view's table: unknown or missing columns, wrong types, null keys. */
    INVALID_PUSH(400, "INVALID_ARGUMENT", false),
    /** A push of more rows than the view's {@code spec.push.maxBatchRows}. */
    PUSH_TOO_LARGE(413, "RESOURCE_EXHAUSTED", false),
    /** A table the data plane cannot commit to: a feature its format library cannot write, a catalog-managed table. */
    TABLE_NOT_WRITABLE(409, "FAILED_PRECONDITION", false),
    /** A write that could not be committed (conflicts beyond the retries, a failing volume); nothing became visible. */
    WRITE_FAILED(503, "UNAVAILABLE", true),
    /**
     * A push committed to the table as a version this pod cannot read back: the rows are in the table, so pushing
     * them again would write them twice; the view is degraded until it serves that version.
     */
    PUSH_UNCONFIRMED(503, "UNAVAILABLE", false),
    /** Pushes to a view whose earlier commit cannot be read back; they resume once the view serves it. */
    PUSHES_SUSPENDED(503, "UNAVAILABLE", true),
    /** On-demand features that would take more evaluation than one request may use: a cheaper expression or less data. */
    ON_DEMAND_BUDGET_EXCEEDED(422, "RESOURCE_EXHAUSTED", false),
    /** A Spark retrieval plan asked for what the Spark job does not compute: DuckDB expressions, on-demand features. */
    NOT_ON_SPARK(422, "UNIMPLEMENTED", false),
    /** A request-data value for on-demand features larger than the data plane takes. */
    REQUEST_DATA_TOO_LARGE(413, "RESOURCE_EXHAUSTED", false),
    /** A request body or message in a compression the data plane does not take. */
    UNSUPPORTED_ENCODING(415, "UNIMPLEMENTED", false),
    /** No route at that path. */
    NOT_FOUND(404, "NOT_FOUND", false),
    /** The route exists, not with that method. */
    METHOD_NOT_ALLOWED(405, "UNIMPLEMENTED", false),
    /** A request line longer than the HTTP layer accepts. */
    URI_TOO_LONG(414, "INVALID_ARGUMENT", false),
    /** Request headers larger than the HTTP layer accepts. */
    HEADERS_TOO_LARGE(431, "INVALID_ARGUMENT", false),
    /** A request the HTTP layer itself could not parse. */
    BAD_REQUEST(400, "INVALID_ARGUMENT", false),
    /** A bug: logged in full on the data plane, answered without detail. */
    INTERNAL(500, "INTERNAL", false);

    private final int httpStatus;
    private final String grpcStatus;
    private final boolean retryable;

    ErrorCode(int httpStatus, String grpcStatus, boolean retryable) {
        this.httpStatus = httpStatus;
        this.grpcStatus = grpcStatus;
        this.retryable = retryable;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The name of the gRPC status code ({@code io.grpc.Status.Code}) this error maps to. */
    public String grpcStatus() {
        return grpcStatus;
    }

    /** Whether the same request may succeed later without any change: clients should retry with backoff. */
    public boolean retryable() {
        return retryable;
    }

    /** Whether the caller's request is at fault (4xx), as opposed to the data plane or its tables. */
    public boolean isClientError() {
        return httpStatus < 500;
    }
}
