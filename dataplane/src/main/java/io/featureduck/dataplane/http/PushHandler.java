package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.shard.ShardRouter;
import io.featureduck.dataplane.write.PushService;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Feast's write routes: {@code POST /push} ({@code {"push_source_name", "df", "to"}}) and
 * {@code POST /write-to-online-store} ({@code {"feature_view_name", "df"}}). Both commit the rows to the view's table,
 * which is the online and the offline store at once, so every {@code to} writes the same way.
 *
 * <p>The answer waits for the commit and for this pod to serve it, and says which table version holds the rows.
 * {@code ?ack=async} answers 202 as soon as the rows are checked and queued; they are committed with the next batch
 * (retried while the failure passes, counted on the view's report when they cannot be written), and lost if the pod
 * dies before that. Checking and committing run on workers, never on the event loop.
 */
final class PushHandler {
    private final PushService pushes;
    private final JsonRequests requests;
    private final ObjectMapper mapper;
    private final WorkerExecutor workers;
    private final ShardRouter shards;

    PushHandler(
            PushService pushes,
            JsonRequests requests,
            ObjectMapper mapper,
            WorkerExecutor workers,
            ShardRouter shards) {
        this.shards = shards;
        this.pushes = pushes;
        this.requests = requests;
        this.mapper = mapper;
        this.workers = workers;
    }

    /** {@code POST /push}. */
    void push(RoutingContext ctx) {
        JsonNode body = requests.object(ctx);
        String source = text(body, "push_source_name");
        String to = PushService.destination(body.has("to") ? text(body, "to") : null);
        run(ctx, () -> pushes.viewOfPushSource(source), body.get("df"), to);
    }

    /** {@code POST /write-to-online-store}. */
    void writeToOnlineStore(RoutingContext ctx) {
        JsonNode body = requests.object(ctx);
        String view = text(body, "feature_view_name");
        run(ctx, () -> pushes.pushableView(view), body.get("df"), "online");
    }

    private interface ViewLookup {
        ServedView find();
    }

    private void run(RoutingContext ctx, ViewLookup lookup, JsonNode df, String to) {
        if (df == null) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_FIELD, "'df' is required: the rows as {\"column\": " + "[values]}");
        }
        boolean async = asyncAck(ctx);
        Grant grant = Authentication.grant(ctx);
        if (async) {
            workers.executeBlocking(
                            () -> {
                                pushes.pushAsync(lookup.find(), df, grant);
                                return (PushService.Pushed) null;
                            },
                            false)
                    .onFailure(ctx::fail)
                    .onSuccess(queued -> answer(ctx, null, to));
            return;
        }
        workers.executeBlocking(() -> pushes.push(lookup.find(), df, grant), false)
                .compose(committing ->
                        Future.fromCompletionStage(committing, ctx.vertx().getOrCreateContext()))
                .compose(pushed -> shards.afterPush(pushed.view(), pushed.version(), Authentication.credentials(ctx))
                        .map(served -> pushed))
                .onFailure(ctx::fail)
                .onSuccess(pushed -> answer(ctx, pushed, to));
    }

    private void answer(RoutingContext ctx, PushService.Pushed pushed, String to) {
        ObjectNode answer = mapper.createObjectNode();
        if (pushed == null) {
            answer.put("status", "accepted");
            ctx.response().setStatusCode(202);
        } else {
            answer.put("status", "committed");
            answer.put("feature_view", pushed.view());
            answer.put("table_version", pushed.version());
            answer.put("rows", pushed.rows());
        }
        answer.put("to", to);
        ctx.response().putHeader("content-type", "application/json").end(answer.toString());
    }

    private static boolean asyncAck(RoutingContext ctx) {
        List<String> values = ctx.queryParam("ack");
        if (values.isEmpty() || values.get(0).equals("commit")) {
            return false;
        }
        if (values.get(0).equals("async")) {
            return true;
        }
        throw new FeatureDuckException(
                ErrorCode.INVALID_FIELD,
                "query parameter 'ack' must be commit (the default: "
                        + "answer once the rows are committed and served) or async (answer once they are queued)");
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "'" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "'" + field + "' must be a string");
        }
        return value.textValue();
    }
}
