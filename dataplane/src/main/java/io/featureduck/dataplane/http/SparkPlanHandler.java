package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.spark.RetrievalPlan;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code POST /v1/features/historical/spark-plan}: the Spark job's plan ({@code docs/SPARK.md}) for a retrieval too
 * large for one node, from the same definitions and table versions the data plane would use itself.
 *
 * <p>JSON in: {@code {"features": ["view:feature"]} or {"feature_service": "name"}}, {@code "full_feature_names"},
 * entity rows as {@code "entity_rows": {"uri": ..., "format": "parquet"|"csv"}} or a time range ({@code "start_date"},
 * {@code "end_date"}), and {@code "output": {"uri": ..., "format": "parquet"|"delta"}}. Out: the plan. Reading the
 * tables' metadata blocks, so it runs on the historical workers.
 */
final class SparkPlanHandler implements Handler<RoutingContext> {
    /** The schemes Spark's Hadoop file systems read and write, as the data plane names object stores. */
    private static final Set<String> SCHEMES = Set.of("file", "s3", "s3a", "gs", "abfs", "abfss", "hdfs");

    private final HistoricalRetrieval retrieval;
    private final JsonRequests requests;
    private final ObjectMapper mapper;
    private final WorkerExecutor workers;
    private final Function<RoutingContext, Grant> grants;

    /** @param grants what the caller may read: its authenticated grant on the API port, everything for the operator */
    SparkPlanHandler(
            HistoricalRetrieval retrieval,
            JsonRequests requests,
            ObjectMapper mapper,
            WorkerExecutor workers,
            Function<RoutingContext, Grant> grants) {
        this.retrieval = retrieval;
        this.requests = requests;
        this.mapper = mapper;
        this.workers = workers;
        this.grants = grants;
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonNode body = requests.object(ctx);
        Grant grant = grants.apply(ctx);
        workers.executeBlocking(() -> plan(body, grant), false)
                .onFailure(ctx::fail)
                .onSuccess(plan -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end(plan));
    }

    private String plan(JsonNode body, Grant grant) throws JsonProcessingException {
        List<FeatureRef> refs = features(body);
        refs.forEach(ref -> grant.require(ref.view()));
        boolean fullNames = JsonRequests.optionalBoolean(body, "full_feature_names");
        JsonNode out = object(body, "output", true);
        RetrievalPlan.Output output = new RetrievalPlan.Output(
                location(out, "output.uri"),
                format(out, "output.format", RetrievalPlan.OutputFormat.class, RetrievalPlan.OutputFormat.PARQUET));
        JsonNode rows = object(body, "entity_rows", false);
        boolean range = body.hasNonNull("start_date") || body.hasNonNull("end_date");
        if ((rows == null) == !range) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_FIELD,
                    "send either 'entity_rows' ({\"uri\": ..., \"format\": \"parquet\"}) or a time range "
                            + "('start_date', 'end_date')");
        }
        RetrievalPlan plan = range
                ? retrieval.sparkPlan(
                        TimeRanges.of(text(body, "start_date"), text(body, "end_date")), refs, fullNames, output)
                : retrieval.sparkPlan(
                        new RetrievalPlan.Entities(
                                location(rows, "entity_rows.uri"),
                                format(
                                        rows,
                                        "entity_rows.format",
                                        RetrievalPlan.EntityFormat.class,
                                        RetrievalPlan.EntityFormat.PARQUET),
                                null),
                        refs,
                        fullNames,
                        output);
        return mapper.writeValueAsString(plan);
    }

    private List<FeatureRef> features(JsonNode body) {
        if (body.hasNonNull("feature_service")) {
            if (body.hasNonNull("features")) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD, "send either 'features' or 'feature_service', not both");
            }
            return retrieval.featureService(text(body, "feature_service"));
        }
        List<FeatureRef> refs = new ArrayList<>();
        for (JsonNode ref : JsonRequests.requiredArray(body, "features")) {
            refs.add(FeatureRef.parse(ref.asText()));
        }
        return refs;
    }

    private static JsonNode object(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "field '" + field + "' is required");
            }
            return null;
        }
        if (!value.isObject()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be an object");
        }
        return value;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static <E extends Enum<E>> E format(JsonNode object, String field, Class<E> type, E otherwise) {
        String name = text(object, field.substring(field.indexOf('.') + 1));
        if (name == null) {
            return otherwise;
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(name)) {
                return value;
            }
        }
        throw new FeatureDuckException(
                ErrorCode.INVALID_FIELD,
                "field '" + field + "' must be one of "
                        + java.util.Arrays.stream(type.getEnumConstants())
                                .map(e -> e.name().toLowerCase(Locale.ROOT))
                                .toList());
    }

    /**
     * A location the Spark job reads or writes: an absolute path or a URI of a file system Spark has, without
     * {@code ..} segments. What the job may actually touch is bounded by its own credentials, not by this check.
     */
    private static String location(JsonNode object, String field) {
        String uri = text(object, field.substring(field.indexOf('.') + 1));
        if (uri == null || uri.isBlank()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "field '" + field + "' is required");
        }
        boolean traversal = List.of(uri.split("/")).contains("..");
        boolean control = uri.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        String scheme = uri.startsWith("/") ? "file" : schemeOf(uri);
        if (traversal || control || scheme == null || !SCHEMES.contains(scheme)) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "field '" + field + "' must be an absolute path or a URI of "
                            + SCHEMES.stream().sorted().toList() + ", without '..'");
        }
        return uri;
    }

    private static String schemeOf(String uri) {
        try {
            String scheme = URI.create(uri).getScheme();
            return scheme == null ? null : scheme.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
