package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.ValueType;

/**
 * The SQL that turns values into the forms the online index stores and compares: keys in one canonical form per
 * type (integers, dates as days and timestamps as microseconds are BIGINT), features in their declared type with
 * dates, timestamps and lists in a form that is cheap to store. The index reads exactly these forms back.
 */
final class StoredForm {
    private StoredForm() {}

    /**
     * The canonical form of a key column: a feature's stored form, except that every integer-like key is a BIGINT,
     * so that an int32 key and an int64 key of the same value are the same key.
     */
    static String key(String column, ValueType type) {
        return switch (type) {
            case INT32, INT64 -> "CAST(" + column + " AS BIGINT)";
            case DATE -> "CAST(date_diff('day', DATE '1970-01-01', CAST(" + column + " AS DATE)) AS BIGINT)";
            case STRING, BOOL, BYTES, TIMESTAMP -> feature(column, type);
            default -> throw new IllegalArgumentException(type.wireName() + " cannot be a join key");
        };
    }

    /**
     * A feature's value as the index stores it: its declared type, with times as epoch microseconds, dates as days
     * and lists as JSON text (times, dates and bytes in the forms the API writes).
     */
    static String feature(String expression, ValueType type) {
        String e = "(" + expression + ")";
        return switch (type) {
            case TIMESTAMP -> "epoch_us(CAST(" + e + " AS TIMESTAMPTZ))";
            case DATE -> "CAST(date_diff('day', DATE '1970-01-01', CAST(" + e + " AS DATE)) AS INTEGER)";
            case TIMESTAMP_LIST ->
                "to_json(list_transform(CAST(" + e + " AS TIMESTAMPTZ[]), "
                        + "lambda t: strftime(t, '%Y-%m-%dT%H:%M:%S.%fZ')))::VARCHAR";
            case BYTES_LIST -> "to_json(list_transform(CAST(" + e + " AS BLOB[]), lambda b: to_base64(b)))::VARCHAR";
            case DATE_LIST ->
                "to_json(list_transform(CAST(" + e + " AS DATE[]), lambda d: strftime(d, '%Y-%m-%d')))::VARCHAR";
            default ->
                type.isList()
                        ? "to_json(CAST(" + e + " AS " + DuckDbTypes.of(type) + "))::VARCHAR"
                        : "CAST(" + e + " AS " + DuckDbTypes.of(type) + ")";
        };
    }
}
