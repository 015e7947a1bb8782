package io.featureduck.dataplane.grpc;

import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.lookup.RequestColumns;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code entities} or {@code request_context} of a gRPC {@code GetOnlineFeaturesRequest}: Feast {@code Value}s
 * column by column. A value must carry the kind its column's type expects (an int32 key also accepts int64, as
 * Feast's clients send Python and Java integers as int64); timestamps are Feast's epoch seconds.
 */
final class ProtoColumns implements RequestColumns {
    private final Map<String, RepeatedValue> columns;

    ProtoColumns(Map<String, RepeatedValue> columns) {
        this.columns = columns;
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
        RepeatedValue column = columns.get(name);
        return column == null ? 0 : column.getValCount();
    }

    RepeatedValue column(String name) {
        return columns.get(name);
    }

    @Override
    public Object key(String name, int row, EntitySpec key) {
        Value value = columns.get(name).getVal(row);
        String where = "join key '" + name + "' is " + key.type().wireName();
        return switch (key.type()) {
            case INT32, INT64 -> {
                long v = integer(value, where);
                if (key.type() == ValueType.INT32 && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                    throw wrong(where, "an int32", value);
                }
                yield v;
            }
            case STRING -> value.hasStringVal() ? value.getStringVal() : fail(where, "string_val", value);
            case BOOL -> value.hasBoolVal() ? value.getBoolVal() : fail(where, "bool_val", value);
            case BYTES ->
                value.hasBytesVal()
                        ? ByteBuffer.wrap(value.getBytesVal().toByteArray())
                        : fail(where, "bytes_val", value);
            case TIMESTAMP -> {
                if (!value.hasUnixTimestampVal()) {
                    throw wrong(where, "unix_timestamp_val (epoch seconds)", value);
                }
                try {
                    yield Math.multiplyExact(value.getUnixTimestampVal(), 1_000_000L);
                } catch (ArithmeticException e) {
                    throw wrong(where, "epoch seconds within 290,000 years of 1970", value);
                }
            }
            case DATE -> {
                try {
                    yield value.hasStringVal()
                            ? LocalDate.parse(value.getStringVal()).toEpochDay()
                            : fail(where, "string_val with a date like 2026-01-31", value);
                } catch (DateTimeParseException e) {
                    throw wrong(where, "a date like 2026-01-31", value);
                }
            }
            default -> throw new IllegalArgumentException(key.type().wireName() + " cannot be a join key");
        };
    }

    @Override
    public Object value(String name, int row, ValueType type) {
        return value(columns.get(name).getVal(row), type, "request data '" + name + "' is " + type.wireName());
    }

    private static Object value(Value value, ValueType type, String where) {
        if (value.getValCase() == Value.ValCase.VAL_NOT_SET || value.hasNullVal()) {
            return null;
        }
        if (type.isList()) {
            return list(value, type.elementType(), where);
        }
        return switch (type) {
            case STRING -> value.hasStringVal() ? value.getStringVal() : fail(where, "string_val", value);
            case INT32 -> {
                long v = integer(value, where);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw wrong(where, "an int32", value);
                }
                yield (int) v;
            }
            case INT64 -> integer(value, where);
            case FLOAT32 -> (float) number(value, where);
            case FLOAT64 -> number(value, where);
            case BOOL -> value.hasBoolVal() ? value.getBoolVal() : fail(where, "bool_val", value);
            case BYTES -> value.hasBytesVal() ? value.getBytesVal().toByteArray() : fail(where, "bytes_val", value);
            case TIMESTAMP ->
                value.hasUnixTimestampVal()
                        ? Instant.ofEpochSecond(value.getUnixTimestampVal())
                        : fail(where, "unix_timestamp_val", value);
            default -> throw new IllegalArgumentException(type.wireName() + " is not a request-data type");
        };
    }

    private static List<Object> list(Value value, ValueType element, String where) {
        List<Object> items = new ArrayList<>();
        switch (element) {
            case STRING ->
                items.addAll(require(value.hasStringListVal(), where, "string_list_val", value)
                        .getStringListVal()
                        .getValList());
            case INT32 ->
                items.addAll(require(value.hasInt32ListVal(), where, "int32_list_val", value)
                        .getInt32ListVal()
                        .getValList());
            case INT64 ->
                items.addAll(require(value.hasInt64ListVal(), where, "int64_list_val", value)
                        .getInt64ListVal()
                        .getValList());
            case FLOAT32 ->
                items.addAll(require(value.hasFloatListVal(), where, "float_list_val", value)
                        .getFloatListVal()
                        .getValList());
            case FLOAT64 ->
                items.addAll(require(value.hasDoubleListVal(), where, "double_list_val", value)
                        .getDoubleListVal()
                        .getValList());
            case BOOL ->
                items.addAll(require(value.hasBoolListVal(), where, "bool_list_val", value)
                        .getBoolListVal()
                        .getValList());
            case BYTES ->
                require(value.hasBytesListVal(), where, "bytes_list_val", value)
                        .getBytesListVal()
                        .getValList()
                        .forEach(b -> items.add(b.toByteArray()));
            case TIMESTAMP ->
                require(value.hasUnixTimestampListVal(), where, "unix_timestamp_list_val", value)
                        .getUnixTimestampListVal()
                        .getValList()
                        .forEach(s -> items.add(Instant.ofEpochSecond(s)));
            default ->
                throw new IllegalArgumentException("list<" + element.wireName() + "> is not a request-data type");
        }
        return items;
    }

    private static Value require(boolean present, String where, String expected, Value value) {
        if (!present) {
            throw wrong(where, expected, value);
        }
        return value;
    }

    private static long integer(Value value, String where) {
        if (value.hasInt64Val()) {
            return value.getInt64Val();
        }
        if (value.hasInt32Val()) {
            return value.getInt32Val();
        }
        throw wrong(where, "int64_val or int32_val", value);
    }

    private static double number(Value value, String where) {
        return switch (value.getValCase()) {
            case DOUBLE_VAL -> value.getDoubleVal();
            case FLOAT_VAL -> value.getFloatVal();
            case INT64_VAL -> value.getInt64Val();
            case INT32_VAL -> value.getInt32Val();
            default -> throw wrong(where, "double_val, float_val or an integer", value);
        };
    }

    private static <T> T fail(String where, String expected, Value value) {
        throw wrong(where, expected, value);
    }

    private static IllegalArgumentException wrong(String where, String expected, Value value) {
        String sent = value.getValCase() == Value.ValCase.VAL_NOT_SET
                ? "no value"
                : value.getValCase().name().toLowerCase();
        return new IllegalArgumentException(where + ": expected " + expected + ", got " + sent);
    }
}
