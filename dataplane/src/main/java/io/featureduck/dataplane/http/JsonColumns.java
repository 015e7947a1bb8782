package io.featureduck.dataplane.http;

import com.dslplatform.json.JsonWriter;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.EntityKeys;
import io.featureduck.dataplane.values.JsonValues;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Columns of a JSON object whose every field is a list of values, as Feast's HTTP servers send {@code entities} and
 * {@code request_context}: {@code {"driver_id": [1001, 1002], "trip_km": [3.5, 12.0]}}. Read from the request as it
 * streams by: a column of integers (join keys, nearly always) is kept as a {@code long[]}, anything else as JSON.
 */
final class JsonColumns implements RequestColumns {
    private static final JsonColumns NONE = new JsonColumns(Map.of());

    /** One column: integers unboxed, or JSON values when any value is not an integer. */
    private record Column(long[] longs, int size, ArrayNode nodes) {
        JsonNode node(int row) {
            return nodes != null ? nodes.get(row) : LongNode.valueOf(longs[row]);
        }
    }

    private final Map<String, Column> columns;

    private JsonColumns(Map<String, Column> columns) {
        this.columns = columns;
    }

    static JsonColumns none() {
        return NONE;
    }

    /**
     * Reads the object the parser is at ({@code field} names it in errors): the parser's current token is its
     * START_OBJECT, and it is left at the matching END_OBJECT.
     */
    static JsonColumns read(JsonParser parser, String field) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return NONE;
        }
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "field '" + field + "' must be an object of "
                            + "name to a list of values, e.g. {\"driver_id\": [1001, 1002]}");
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD, field + "." + name + " must be a list of values");
            }
            columns.put(name, column(parser));
        }
        return new JsonColumns(columns);
    }

    private static Column column(JsonParser parser) throws IOException {
        long[] longs = new long[4];
        int size = 0;
        ArrayNode nodes = null;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (nodes == null
                    && token == JsonToken.VALUE_NUMBER_INT
                    && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                if (size == longs.length) {
                    longs = Arrays.copyOf(longs, size * 2);
                }
                longs[size++] = parser.getLongValue();
                continue;
            }
            if (nodes == null) {
                nodes = JsonNodeFactory.instance.arrayNode(size + 1);
                for (int i = 0; i < size; i++) {
                    nodes.add(LongNode.valueOf(longs[i]));
                }
            }
            nodes.add((JsonNode) parser.readValueAsTree());
        }
        return nodes != null ? new Column(null, nodes.size(), nodes) : new Column(longs, size, null);
    }

    /** Writes a column as sent, for echoing it back. */
    void writeColumn(String name, JsonWriter out) {
        Column column = columns.get(name);
        if (column.nodes() != null) {
            out.writeAscii(column.nodes().toString());
            return;
        }
        out.writeByte(JsonWriter.ARRAY_START);
        for (int i = 0; i < column.size(); i++) {
            if (i > 0) {
                out.writeByte(JsonWriter.COMMA);
            }
            JsonValues.writeLong(column.longs()[i], out);
        }
        out.writeByte(JsonWriter.ARRAY_END);
    }

    @Override
    public Set<String> names() {
        return columns.keySet();
    }

    @Override
    public boolean has(String name) {
        return columns.containsKey(name);
    }

    @Override
    public int size(String name) {
        Column column = columns.get(name);
        return column == null ? 0 : column.size();
    }

    @Override
    public Object key(String name, int row, EntitySpec key) {
        return EntityKeys.fromJson(columns.get(name).node(row), key);
    }

    @Override
    public long longKey(String name, int row, EntitySpec key) {
        Column column = columns.get(name);
        long value = column.nodes() == null ? column.longs()[row] : 0;
        boolean direct = column.nodes() == null
                && (key.type() == ValueType.INT64 || (key.type() == ValueType.INT32 && value == (int) value));
        // Anything but an in-range integer goes the general way, which names what was wrong.
        return direct ? value : (Long) key(name, row, key);
    }

    @Override
    public Object value(String name, int row, ValueType type) {
        return value(columns.get(name).node(row), type);
    }

    /** A JSON request value in the forms of {@code values/FeatureValues}; dates have no CEL type and never come here. */
    static Object value(JsonNode value, ValueType type) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (type.isList()) {
            if (!value.isArray()) {
                throw wrong(value, "a list");
            }
            List<Object> items = new ArrayList<>(value.size());
            for (JsonNode item : value) {
                items.add(value(item, type.elementType()));
            }
            return items;
        }
        return switch (type) {
            case STRING -> value.isTextual() ? value.textValue() : fail(value, "a string");
            case INT32 ->
                value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : fail(value, "an int32");
            case INT64 ->
                value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : fail(value, "an integer");
            case FLOAT32 -> value.isNumber() ? value.floatValue() : fail(value, "a number");
            case FLOAT64 -> value.isNumber() ? value.doubleValue() : fail(value, "a number");
            case BOOL -> value.isBoolean() ? value.booleanValue() : fail(value, "true or false");
            case BYTES -> {
                try {
                    yield value.isTextual() ? Base64.getDecoder().decode(value.textValue()) : fail(value, "base64");
                } catch (IllegalArgumentException e) {
                    throw wrong(value, "base64-encoded bytes");
                }
            }
            case TIMESTAMP -> {
                try {
                    // Feast's clients send timestamps as epoch seconds; an ISO-8601 instant reads too.
                    yield value.isIntegralNumber()
                            ? Instant.ofEpochSecond(value.longValue())
                            : value.isTextual() ? Instant.parse(value.textValue()) : fail(value, "an instant");
                } catch (DateTimeParseException e) {
                    throw wrong(value, "an ISO-8601 instant like 2026-01-31T12:00:00Z or epoch seconds");
                }
            }
            default -> throw new IllegalArgumentException(type.wireName() + " is not a request-data type");
        };
    }

    private static Object fail(JsonNode value, String expected) {
        throw wrong(value, expected);
    }

    private static IllegalArgumentException wrong(JsonNode value, String expected) {
        String shown = value.toString();
        return new IllegalArgumentException(
                "expected " + expected + ", got " + (shown.length() > 64 ? shown.substring(0, 64) + "..." : shown));
    }
}
