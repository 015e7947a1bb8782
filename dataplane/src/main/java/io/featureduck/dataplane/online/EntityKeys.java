package io.featureduck.dataplane.online;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * One canonical Java form per key type, shared by the index (keys read from DuckDB) and requests (keys parsed from
 * JSON), so a key sent by a client finds exactly the row DuckDB produced: integers, dates (days) and timestamps
 * (microseconds) are {@code Long}, strings {@code String}, booleans {@code Boolean}, bytes a {@code ByteBuffer}.
 */
public final class EntityKeys {
    private EntityKeys() {}

    /** Whether keys of {@code type} are integers, canonically a {@code Long} (int32, int64, date, timestamp). */
    public static boolean isLong(ValueType type) {
        return type == ValueType.INT32
                || type == ValueType.INT64
                || type == ValueType.DATE
                || type == ValueType.TIMESTAMP;
    }

    /** Reads a key column in the canonical form DuckDB computes for it ({@code duckdb/StoredForm}). */
    public static Object read(ResultSet rs, int column, ValueType type) throws SQLException {
        return switch (type) {
            case STRING -> rs.getString(column);
            case BOOL -> rs.getBoolean(column);
            case BYTES -> ByteBuffer.wrap(rs.getBytes(column));
            default -> rs.getLong(column);
        };
    }

    /**
     * The canonical key for a JSON value sent by a client.
     *
     * @throws IllegalArgumentException naming the key, the expected type and what was sent
     */
    public static Object fromJson(JsonNode value, EntitySpec entity) {
        ValueType type = entity.type();
        switch (type) {
            case INT32, INT64 -> {
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    long v = value.longValue();
                    if (type == ValueType.INT32 && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                        throw wrongType(entity, value, "an int32");
                    }
                    return v;
                }
                throw wrongType(entity, value, "an integer");
            }
            case STRING -> {
                if (value.isTextual()) {
                    return value.textValue();
                }
                throw wrongType(entity, value, "a string");
            }
            case BOOL -> {
                if (value.isBoolean()) {
                    return value.booleanValue();
                }
                throw wrongType(entity, value, "true or false");
            }
            case BYTES -> {
                if (value.isTextual()) {
                    try {
                        return ByteBuffer.wrap(Base64.getDecoder().decode(value.textValue()));
                    } catch (IllegalArgumentException e) {
                        throw wrongType(entity, value, "base64-encoded bytes");
                    }
                }
                throw wrongType(entity, value, "base64-encoded bytes");
            }
            case DATE -> {
                try {
                    return value.isTextual()
                            ? LocalDate.parse(value.textValue()).toEpochDay()
                            : failDate(entity, value);
                } catch (DateTimeParseException e) {
                    throw wrongType(entity, value, "a date like 2026-01-31");
                }
            }
            case TIMESTAMP -> {
                try {
                    return value.isTextual()
                            ? EventTime.toMicros(Instant.parse(value.textValue()))
                            : failTimestamp(entity, value);
                } catch (DateTimeParseException e) {
                    throw wrongType(entity, value, "an ISO-8601 instant like 2026-01-31T12:00:00Z");
                } catch (ArithmeticException e) {
                    // Instant reaches a billion years; microseconds since 1970 in a long, as DuckDB stores them, do
                    // not.
                    throw wrongType(entity, value, "an instant within 290,000 years of 1970");
                }
            }
            default -> throw new IllegalArgumentException(type.wireName() + " cannot be a join key");
        }
    }

    /** The JSON form of a canonical key, for echoing keys back. */
    public static Object toJsonValue(Object key, ValueType type) {
        return switch (type) {
            case DATE -> LocalDate.ofEpochDay((Long) key).toString();
            case TIMESTAMP -> EventTime.format((Long) key);
            case BYTES -> Base64.getEncoder().encodeToString(((ByteBuffer) key).array());
            default -> key;
        };
    }

    private static long failDate(EntitySpec entity, JsonNode value) {
        throw wrongType(entity, value, "a date like 2026-01-31");
    }

    private static long failTimestamp(EntitySpec entity, JsonNode value) {
        throw wrongType(entity, value, "an ISO-8601 instant like 2026-01-31T12:00:00Z");
    }

    private static IllegalArgumentException wrongType(EntitySpec entity, JsonNode value, String expected) {
        String shown = value.toString();
        if (shown.length() > 64) {
            shown = shown.substring(0, 64) + "...";
        }
        return new IllegalArgumentException("join key '" + entity.name() + "' is "
                + entity.type().wireName() + ": expected " + expected + ", got " + shown);
    }
}
