package io.featureduck.dataplane.http;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.lookup.OnlineViews;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.values.JsonValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;

/**
 * The JSON writers online answers are written with: one per event-loop thread, reused request after request, so an
 * answer costs one copy into the response buffer and no growing of intermediate buffers. An answer may not exceed
 * the response budget; a writer grown by a large answer is dropped rather than kept at that size.
 */
final class AnswerWriters {
    private static final int INITIAL_BYTES = 64 * 1024;
    private static final int MAX_KEPT_BYTES = 4 * 1024 * 1024;
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

    private final DslJson<Object> dsl = new DslJson<>(new DslJson.Settings<>());
    private final ThreadLocal<JsonWriter> writers = ThreadLocal.withInitial(() -> dsl.newWriter(INITIAL_BYTES));
    private final long limit;

    AnswerWriters(long limit) {
        this.limit = limit;
    }

    /** An empty writer for this thread's next answer. */
    JsonWriter start() {
        JsonWriter writer = writers.get();
        writer.reset();
        return writer;
    }

    /** Refuses an answer that has already grown past the response budget; called as it is written. */
    void check(JsonWriter writer) {
        if (writer.size() > limit) {
            throw OnlineViews.responseTooLarge(limit);
        }
    }

    /**
     * Sends the answer as the response body. The bytes go into a pooled direct buffer, which the socket write reads
     * without another copy and which returns to the pool once the write completed (or failed): the heap sees no
     * per-answer allocation.
     */
    void send(JsonWriter writer, HttpServerResponse response) {
        check(writer);
        int size = writer.size();
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
        pooled.writeBytes(writer.getByteBuffer(), 0, size);
        if (writer.getByteBuffer().length > MAX_KEPT_BYTES) {
            writers.remove();
        }
        // Vert.x writes an unreleasable view of a buffer it did not allocate; the pooled buffer is released here.
        response.putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(BufferInternal.buffer(pooled))
                .onComplete(done -> pooled.release());
    }

    /**
     * The table version a view answered from; in a sharded store whose shards served different versions for one
     * answer, every version, ascending, as an array: an answer never mixes versions without saying so.
     */
    static void writeTableVersion(OnlineIndex index, JsonWriter out) {
        List<Long> versions = index.holding().versions();
        if (versions.size() == 1) {
            JsonValues.writeLong(versions.get(0), out);
            return;
        }
        out.writeByte(JsonWriter.ARRAY_START);
        for (int i = 0; i < versions.size(); i++) {
            if (i > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            JsonValues.writeLong(versions.get(i), out);
        }
        out.writeByte(JsonWriter.ARRAY_END);
    }

    /**
     * Writes an answer that may arrive later (a sharded store asking its other shards): {@code write} runs once it is
     * there, and a failure of either becomes the route's error answer.
     */
    static <T> void reply(RoutingContext ctx, Future<T> answer, Consumer<T> write) {
        answer.onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
                return;
            }
            try {
                write.accept(done.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }
}
