package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Reads a request body as a JSON object, turning every malformation into a 400 that says what was wrong. */
final class JsonRequests {
    private final ObjectReader reader;

    JsonRequests(ObjectMapper mapper) {
        // On whole bodies only: the historical route reads rows one by one from a stream and checks its own end.
        this(mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
    }

    private JsonRequests(ObjectReader reader) {
        this.reader = reader;
    }

    /**
     * The same reader keeping numbers with fractions exact: pushed values are written to tables, and a double would
     * move 253402300799.999999 (the last microsecond of 9999, in epoch seconds) to the next second, or round a
     * decimal column's value before it is checked.
     */
    JsonRequests exactNumbers() {
        return new JsonRequests(reader.with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS));
    }

    /**
     * The one JSON mapper of the API: strict where a lenient parser would let two readers of the same body disagree
     * (a repeated key, anything after the object), fast where the answers are large (Jackson's Schubfach writer took
     * 13% of the server's CPU samples on a 50-feature response where the JDK 17 formatter took 17%).
     */
    static ObjectMapper strictMapper() {
        return new ObjectMapper(JsonFactory.builder()
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .build());
    }

    /** A request body's bytes where they lie, without a copy when the buffer has an array. */
    record BodyBytes(byte[] array, int offset, int length) {
        static BodyBytes of(RoutingContext ctx) {
            Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
            if (buffer == null || buffer.length() == 0) {
                return new BodyBytes(new byte[0], 0, 0);
            }
            // Vert.x's internal view of a buffer: the body handler's buffers are heap buffers with an array.
            ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
            if (bytes.hasArray()) {
                return new BodyBytes(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
            }
            byte[] copy = buffer.getBytes();
            return new BodyBytes(copy, 0, copy.length);
        }
    }

    JsonNode object(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = reader.readValue(ctx.body().buffer().getBytes());
        } catch (JsonProcessingException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_JSON, "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body must be a JSON object");
        }
        return node;
    }

    static JsonNode requiredArray(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "field '" + field + "' is required");
        }
        if (!value.isArray()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be an array");
        }
        return value;
    }

    static boolean optionalBoolean(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be true or false");
        }
        return value.booleanValue();
    }
}
