package io.featureduck.dataplane.http;

import com.dslplatform.json.JsonWriter;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.AnswerFeature;
import io.featureduck.dataplane.lookup.FeaturePlan;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.shard.ShardRouter;
import io.featureduck.dataplane.values.FeatureValues;
import io.featureduck.dataplane.values.JsonValues;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /get-online-features}: the request and response of Feast's HTTP feature servers, so a Feast client
 * switches by changing its URL.
 *
 * <pre>{"features": ["driver-stats:conv_rate"], "entities": {"driver_id": [1001, 1002]}, "full_feature_names": false}</pre>
 *
 * As in Feast's {@code GetOnlineFeaturesResponse}, {@code results} holds one entry per column (the entity columns
 * first, then each feature) with {@code values}, {@code statuses} and {@code event_timestamps} across the entities.
 * {@code feature_service} may stand for the features. Request data for on-demand features comes as Feast's Python
 * server takes it (extra columns in {@code entities}) or as its Go server does ({@code request_context}); the Go
 * server's {@code ?status=false} leaves statuses and timestamps out. {@code metadata.table_versions} adds which table
 * version each view answered from, and {@code include_feature_view_version_metadata} asks for Feast's
 * {@code feature_view_metadata} (the version is the table version).
 *
 * <p>The hot path of the data plane: the body is read in one pass, the feature list is planned once per distinct
 * list ({@code lookup/FeaturePlans}), the plan's names are pre-encoded, and the answer is written straight into a
 * reused buffer.
 */
final class FeastOnlineFeaturesHandler implements Handler<RoutingContext> {
    private static final byte[] EPOCH = ascii("\"1970-01-01T00:00:00Z\"");
    private static final byte[] METADATA = ascii("{\"metadata\":{\"feature_names\":[");
    private static final byte[] VIEW_METADATA = ascii(",\"feature_view_metadata\":[");
    private static final byte[] TABLE_VERSIONS = ascii(",\"table_versions\":{");
    private static final byte[] DATA_AGE = ascii("},\"data_age_seconds\":{");
    private static final byte[] RESULTS = ascii("}},\"results\":[");
    private static final byte[] VALUES = ascii("{\"values\":");
    private static final byte[] STATUSES = ascii(",\"statuses\":[");
    private static final byte[] EVENT_TIMESTAMPS = ascii("],\"event_timestamps\":[");
    private static final byte[] END = ascii("]}");

    /** The constant parts of an answer to one plan: its feature names and view names, encoded. */
    private record Encoded(byte[] featureNames, byte[][] viewKeys, byte[][] viewMetadata) {}

    private final ObjectMapper mapper;
    private final ShardRouter router;
    private final AnswerWriters writers;
    /** Keeps the prefetched values alive (see {@link OnlineAnswer#prefetch}); never read. */
    private long prefetched;

    FeastOnlineFeaturesHandler(ObjectMapper mapper, ShardRouter router) {
        this.mapper = mapper;
        this.router = router;
        this.writers = new AnswerWriters(router.lookup().views().maxResponseBytes());
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean withStatus = statusParameter(ctx);
        JsonRequests.BodyBytes body = JsonRequests.BodyBytes.of(ctx);
        FeastRequest request = FeastRequest.read(body.array(), body.offset(), body.length(), mapper);
        // Feast's Python server takes request data as extra entity columns, its Go server in request_context.
        RequestColumns requestData = RequestColumns.union(request.requestContext(), request.entities());
        OnlineRequest online = new OnlineRequest(
                request.features(), request.featureService(), request.entities(), requestData, request.fullNames());
        AnswerWriters.reply(
                ctx, router.answer(online, Authentication.grant(ctx), Authentication.credentials(ctx)), answer -> {
                    JsonWriter out = writers.start();
                    write(out, request.entities(), answer, withStatus, request.viewVersions());
                    writers.send(out, ctx.response());
                });
    }

    /** The Go server's {@code ?status=}: statuses and timestamps are written unless it is false. */
    private static boolean statusParameter(RoutingContext ctx) {
        List<String> values = ctx.queryParam("status");
        if (values.isEmpty()) {
            return true;
        }
        String value = values.get(0);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "query parameter 'status' must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private void write(
            JsonWriter out, JsonColumns entities, OnlineAnswer answer, boolean withStatus, boolean versions) {
        Encoded encoded = answer.plan().encoded(FeastOnlineFeaturesHandler.class, FeastOnlineFeaturesHandler::encode);
        int count = answer.entities();
        out.writeAscii(METADATA);
        for (String name : entities.names()) {
            out.writeString(name);
            out.writeByte(JsonWriter.COMMA);
        }
        out.writeAscii(encoded.featureNames());
        out.writeByte(JsonWriter.ARRAY_END);
        if (versions) {
            out.writeAscii(VIEW_METADATA);
            for (int slot = 0; slot < answer.viewCount(); slot++) {
                item(out, slot, encoded.viewMetadata()[slot]);
                AnswerWriters.writeTableVersion(answer.index(slot), out);
                out.writeByte(JsonWriter.OBJECT_END);
            }
            out.writeByte(JsonWriter.ARRAY_END);
        }
        out.writeAscii(TABLE_VERSIONS);
        for (int slot = 0; slot < answer.viewCount(); slot++) {
            item(out, slot, encoded.viewKeys()[slot]);
            AnswerWriters.writeTableVersion(answer.index(slot), out);
        }
        // How old each view's data is: seconds since its served table version was committed.
        out.writeAscii(DATA_AGE);
        long nowMillis = answer.nowMicros() / 1000;
        for (int slot = 0; slot < answer.viewCount(); slot++) {
            item(out, slot, encoded.viewKeys()[slot]);
            JsonValues.writeLong(answer.index(slot).dataAgeSeconds(nowMillis), out);
        }
        out.writeAscii(RESULTS);
        boolean first = true;
        for (String name : entities.names()) {
            first = separate(out, first);
            out.writeAscii(VALUES);
            entities.writeColumn(name, out);
            if (withStatus) {
                out.writeAscii(STATUSES);
                for (int e = 0; e < count; e++) {
                    item(out, e, LookupStatus.PRESENT.quotedJson());
                }
                out.writeAscii(EVENT_TIMESTAMPS);
                for (int e = 0; e < count; e++) {
                    item(out, e, EPOCH);
                }
            } else {
                out.writeByte(JsonWriter.OBJECT_END);
                continue;
            }
            out.writeAscii(END);
        }
        long touched = 0;
        for (int e = 0; e < count; e++) {
            touched += answer.prefetch(e);
        }
        prefetched = touched;
        byte[][] times = withStatus ? eventTimes(answer) : null;
        // One status per entity, reused by every feature: computed once, written as a value and as a status.
        LookupStatus[] statuses = new LookupStatus[count];
        for (int f = 0; f < answer.features().size(); f++) {
            first = separate(out, first);
            writeFeature(out, answer, f, times, statuses);
            writers.check(out);
        }
        out.writeByte(JsonWriter.ARRAY_END);
        out.writeByte(JsonWriter.OBJECT_END);
    }

    /** Each view's formatted event time per entity, formatted once and shared by the view's features. */
    private static byte[][] eventTimes(OnlineAnswer answer) {
        int count = answer.entities();
        byte[][] times = new byte[answer.viewCount() * count][];
        for (int slot = 0; slot < answer.viewCount(); slot++) {
            for (int e = 0; e < count; e++) {
                times[slot * count + e] =
                        answer.rowFound(slot, e) ? EventTime.quotedUtf8(answer.rowEventMicros(slot, e)) : EPOCH;
            }
        }
        return times;
    }

    private static void writeFeature(
            JsonWriter out, OnlineAnswer answer, int feature, byte[][] times, LookupStatus[] statuses) {
        int count = answer.entities();
        AnswerFeature column = answer.features().get(feature);
        out.writeAscii(VALUES);
        out.writeByte(JsonWriter.ARRAY_START);
        for (int e = 0; e < count; e++) {
            if (e > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            statuses[e] = answer.status(feature, e);
            if (statuses[e] != LookupStatus.PRESENT) {
                out.writeNull();
            } else if (column.isComputed()) {
                FeatureValues.writeJson(answer.computed(feature, e), out);
            } else {
                answer.column(feature).writeJson(answer.row(feature, e), out);
            }
        }
        out.writeByte(JsonWriter.ARRAY_END);
        if (times == null) {
            out.writeByte(JsonWriter.OBJECT_END);
            return;
        }
        out.writeAscii(STATUSES);
        for (int e = 0; e < count; e++) {
            item(out, e, statuses[e].feastQuotedJson());
        }
        out.writeAscii(EVENT_TIMESTAMPS);
        int base = column.viewSlot() * count;
        for (int e = 0; e < count; e++) {
            item(out, e, times[base + e]);
        }
        out.writeAscii(END);
    }

    private static Encoded encode(FeaturePlan plan) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (int f = 0; f < plan.features().size(); f++) {
            if (f > 0) {
                names.write(',');
            }
            names.writeBytes(quoted(plan.features().get(f).outputName()));
        }
        int views = plan.views().size();
        byte[][] keys = new byte[views][];
        byte[][] metadata = new byte[views][];
        for (int slot = 0; slot < views; slot++) {
            byte[] name = quoted(plan.views().get(slot));
            keys[slot] = concat(name, ascii(":"));
            metadata[slot] = concat(concat(ascii("{\"name\":"), name), ascii(",\"version\":"));
        }
        return new Encoded(names.toByteArray(), keys, metadata);
    }

    private static byte[] quoted(String text) {
        return concat(concat(ascii("\""), JsonStringEncoder.getInstance().quoteAsUTF8(text)), ascii("\""));
    }

    /** Writes item {@code index} of a list: pre-encoded bytes, after a comma unless it is the first. */
    private static void item(JsonWriter out, int index, byte[] bytes) {
        if (index > 0) {
            out.writeByte(JsonWriter.COMMA);
        }
        out.writeAscii(bytes);
    }

    private static boolean separate(JsonWriter out, boolean first) {
        if (!first) {
            out.writeByte(JsonWriter.COMMA);
        }
        return false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
