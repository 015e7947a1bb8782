package io.featureduck.dataplane.values;

import com.dslplatform.json.JsonWriter;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.ValueType;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Feature values as plain Java objects, the form in which a value leaves the index for anything but JSON written
 * straight from a column (gRPC answers, on-demand expressions): {@code String}, {@code Integer} (int32), {@code Long}
 * (int64), {@code Float}, {@code Double}, {@code Boolean}, {@code byte[]}, {@code Instant}, {@code LocalDate}, and a
 * {@code List} of those for list types. On-demand features produce the same forms, so every writer handles one set.
 */
public final class FeatureValues {
    private static final ObjectMapper LISTS = new ObjectMapper();

    private FeatureValues() {}

    /**
     * A list from the JSON text DuckDB renders lists as for the index and on-demand inputs (see
     * {@code duckdb/StoredForm}): times as ISO-8601 instants, dates as ISO dates, bytes in base64.
     */
    public static List<Object> list(String json, ValueType element) {
        try {
            return list(LISTS.readTree(json), element);
        } catch (IOException e) {
            throw new IllegalArgumentException("a stored list value is not JSON", e);
        }
    }

    /** The JSON text of a list in these forms, as {@link #list} reads it back. */
    public static String listJson(List<?> values) {
        try (var out = new java.io.StringWriter();
                JsonGenerator json = LISTS.getFactory().createGenerator(out)) {
            writeJson(values, json);
            json.flush();
            return out.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Object> list(JsonNode array, ValueType element) {
        List<Object> values = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            values.add(
                    item.isNull()
                            ? null
                            : switch (element) {
                                case STRING -> item.asText();
                                case INT32 -> item.intValue();
                                case INT64 -> item.longValue();
                                case FLOAT32 -> item.floatValue();
                                case FLOAT64 -> item.doubleValue();
                                case BOOL -> item.booleanValue();
                                case BYTES -> Base64.getDecoder().decode(item.asText());
                                case TIMESTAMP -> Instant.parse(item.asText());
                                case DATE -> LocalDate.parse(item.asText());
                                default -> throw new IllegalArgumentException("not an element type: " + element);
                            });
        }
        return values;
    }

    /** Writes {@code value} (in the forms above) into an online answer, as a column of its type writes its values. */
    public static void writeJson(Object value, JsonWriter out) {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Integer i) {
            JsonValues.writeLong(i, out);
        } else if (value instanceof Long l) {
            JsonValues.writeLong(l, out);
        } else if (value instanceof Float f) {
            JsonValues.writeFloat(f, out);
        } else if (value instanceof Double d) {
            JsonValues.writeDouble(d, out);
        } else if (value instanceof Boolean b) {
            JsonValues.writeBoolean(b, out);
        } else if (value instanceof byte[] bytes) {
            JsonValues.writeBase64(bytes, out);
        } else if (value instanceof Instant instant) {
            out.writeString(DateTimeFormatter.ISO_INSTANT.format(instant));
        } else if (value instanceof LocalDate date) {
            out.writeString(date.toString());
        } else if (value instanceof List<?> list) {
            out.writeByte(JsonWriter.ARRAY_START);
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.writeByte(JsonWriter.COMMA);
                }
                writeJson(list.get(i), out);
            }
            out.writeByte(JsonWriter.ARRAY_END);
        } else {
            throw new IllegalArgumentException(
                    "not a feature value: " + value.getClass().getName());
        }
    }

    /** Writes {@code value} (in the forms above) with Jackson, as {@link #writeJson(Object, JsonWriter)} does. */
    public static void writeJson(Object value, JsonGenerator json) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Integer i) {
            json.writeNumber(i);
        } else if (value instanceof Long l) {
            json.writeNumber(l);
        } else if (value instanceof Float f) {
            json.writeNumber(f);
        } else if (value instanceof Double d) {
            json.writeNumber(d);
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof byte[] bytes) {
            json.writeBinary(bytes);
        } else if (value instanceof Instant instant) {
            json.writeString(DateTimeFormatter.ISO_INSTANT.format(instant));
        } else if (value instanceof LocalDate date) {
            json.writeString(date.toString());
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                writeJson(item, json);
            }
            json.writeEndArray();
        } else {
            throw new IllegalArgumentException(
                    "not a feature value: " + value.getClass().getName());
        }
    }
}
