package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import java.time.Instant;
import java.util.List;

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

    /**
     * {@code AND} each join key of the rows {@code rows} (by the key's name) equals its canonical form {@code k<i>} in
     * {@code alias}.
     */
    public String keysEqual(List<EntitySpec> keys, String rows, String alias) {
        StringBuilder equal = new StringBuilder();
        for (int k = 0; k < keys.size(); k++) {
            EntitySpec entity = keys.get(k);
            equal.append(" AND ")
                    .append(key(rows + "." + quote(entity.name()), entity.type()))
                    .append(" = ")
                    .append(alias)
                    .append(".k")
                    .append(k);
        }
        return equal.toString();
    }

    /**
     * The latest non-null {@code value} by {@code time} among the rows {@code filter} keeps; of one time, the greatest
     * value: the order {@code online/WindowAggregator} gives a tie.
     */
    String latest(String value, String time, String filter) {
        return this == DUCKDB
                ? "arg_max(" + value + ", struct_pack(t := " + time + ", v := " + value + ")) " + filter
                : "max_by(" + value + ", named_struct('t', " + time + ", 'v', " + value + ")) " + filter;
    }

    /** The {@code n} latest non-null values, latest first, in the same order. */
    String latest(String value, String time, int n, String filter) {
        if (this == DUCKDB) {
            return "arg_max(" + value + ", struct_pack(t := " + time + ", v := " + value + "), " + n + ") " + filter;
        }
        // Spark 3.5 has no max_by with a count: the pairs, sorted descending, their values, the first n.
        return "slice(transform(sort_array(collect_list(named_struct('t', " + time + ", 'v', " + value + ")) " + filter
                + ", false), x -> x.v), 1, " + n + ")";
    }

    String emptyList() {
        return this == DUCKDB ? "[]" : "array()";
    }

    /** An instant as microseconds since the epoch, as {@link #epochMicros} gives it in SQL. */
    static long micros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
    }
}
