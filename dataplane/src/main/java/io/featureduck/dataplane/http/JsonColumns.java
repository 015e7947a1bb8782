package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.EntityKeys;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Columns of a JSON object whose every field is a list of values, as Feast's HTTP servers send {@code entities} and
 * {@code request_context}: {@code {"driver_id": [1001, 1002], "trip_km": [3.5, 12.0]}}.
 */
final class JsonColumns implements RequestColumns {
    private final Map<String, JsonNode> columns;

    private JsonColumns(Map<String, JsonNode> columns) {
        this.columns = columns;
    }

    /** The columns of {@code body.field}; none when the field is absent or null. */
    static JsonColumns of(JsonNode body, String field) {
        JsonNode object = body.get(field);
        if (object == null || object.isNull()) {
            return new JsonColumns(Map.of());
        }
        if (!object.isObject()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be an object of "
                    + "name to a list of values, e.g. {\"driver_id\": [1001, 1002]}");
        }
        Map<String, JsonNode> columns = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            if (!column.getValue().isArray()) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, field + "." + column.getKey()
                        + " must be a list of values");
            }
            columns.put(column.getKey(), column.getValue());
        }
        return new JsonColumns(columns);
    }

    /** A column as sent, for echoing it back. */
    JsonNode column(String name) {
        return columns.get(name);
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
        JsonNode column = columns.get(name);
        return column == null ? 0 : column.size();
    }

    @Override
    public Object key(String name, int row, EntitySpec key) {
        return EntityKeys.fromJson(columns.get(name).get(row), key);
    }

    @Override
    public Object value(String name, int row, ValueType type) {
        return value(columns.get(name).get(row), type);
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
            case INT32 -> value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : fail(value, "an int32");
            case INT64 -> value.isIntegralNumber() && value.canConvertToLong() ? value.longValue()
                    : fail(value, "an integer");
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
                    yield value.isIntegralNumber() ? Instant.ofEpochSecond(value.longValue())
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
        return new IllegalArgumentException("expected " + expected + ", got "
                + (shown.length() > 64 ? shown.substring(0, 64) + "..." : shown));
    }
}
