package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.ValueType;

/**
 * The SQL dialects a view's projection is written in: DuckDB's, which the data plane runs, and Spark's, which the
 * Spark retrieval job runs ({@link SparkPointInTimeQuery}). Only what differs between the two is here: quoting, type
 * names, instants and the canonical form of a key. Times are instants in both (Spark's session runs in UTC).
 */
public enum SqlDialect {
    DUCKDB,
    SPARK;

    public String quote(String identifier) {
        return this == DUCKDB ? Sql.quote(identifier) : "`" + identifier.replace("`", "``") + "`";
    }

    /** The type holding values of {@code type}. */
    public String type(ValueType type) {
        if (this == DUCKDB) {
            return DuckDbTypes.of(type);
        }
        String element = switch (type.elementType()) {
            case STRING -> "STRING";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOL -> "BOOLEAN";
            case TIMESTAMP -> "TIMESTAMP";
            case DATE -> "DATE";
            case BYTES -> "BINARY";
            default -> throw new IllegalStateException(type.toString());
        };
        return type.isList() ? "ARRAY<" + element + ">" : element;
    }

    /** {@code expression} as an instant; a timestamp without zone is taken as UTC, a date as its midnight in UTC. */
    public String instant(String expression) {
        return "CAST(" + expression + " AS " + (this == DUCKDB ? "TIMESTAMPTZ" : "TIMESTAMP") + ")";
    }

    /** An instant as microseconds since the epoch. */
    public String epochMicros(String instant) {
        return (this == DUCKDB ? "epoch_us(" : "unix_micros(") + instant + ")";
    }

    /** {@code expression} with the declared type {@code type}. */
    public String cast(String expression, ValueType type) {
        return "CAST((" + expression + ") AS " + type(type) + ")";
    }

    /**
     * The canonical form of a key column ({@link StoredForm#key}): every integer-like key a BIGINT, so an int32 key
     * and an int64 key of the same value are one key; dates as days and timestamps as microseconds.
     */
    public String key(String column, ValueType type) {
        if (this == DUCKDB) {
            return StoredForm.key(column, type);
        }
        return switch (type) {
            case INT32, INT64 -> "CAST(" + column + " AS BIGINT)";
            case DATE -> "CAST(datediff(CAST(" + column + " AS DATE), DATE '1970-01-01') AS BIGINT)";
            case TIMESTAMP -> "unix_micros(CAST(" + column + " AS TIMESTAMP))";
            case STRING, BOOL, BYTES -> "CAST(" + column + " AS " + type(type) + ")";
            default -> throw new IllegalArgumentException(type.wireName() + " cannot be a join key");
        };
    }
}
