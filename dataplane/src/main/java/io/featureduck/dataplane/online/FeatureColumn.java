package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.crds.ValueType;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The values of one feature for every entity of an index, stored column-wise in primitive arrays so that a lookup
 * is an array read and the heap holds little more than the raw values.
 *
 * <p>A column is filled once, row by row, while its index is built, and only read after the index is published.
 */
public interface FeatureColumn {

    /**
     * Reads row {@code row}'s value from result-set column {@code column}, which holds the stored form DuckDB
     * computes for the column's type ({@code duckdb/StoredForm}); called only while building.
     */
    void read(ResultSet rs, int column, int row) throws SQLException;

    boolean isNull(int row);

    /**
     * Copies rows {@code 0..rows-1} of {@code source}, a column of the same type, into this one; called only while
     * building, to carry an index's rows into its incrementally refreshed successor.
     */
    void copyFrom(FeatureColumn source, int rows);

    /** Copies row {@code from} of {@code source}, a column of the same type, into row {@code to}; while building. */
    void copyRow(FeatureColumn source, int from, int to);

    /**
     * Copies rows {@code from..from+count-1} of {@code source}, a column of the same type, into rows from {@code to};
     * while building.
     */
    default void copyRows(FeatureColumn source, int from, int to, int count) {
        for (int i = 0; i < count; i++) {
            copyRow(source, from + i, to + i);
        }
    }

    /** Makes row {@code row} null; while building. */
    void putNull(int row);

    /** Stores a value given as its {@link #bits}; only for the fixed-width types, while building. */
    default void putBits(int row, long bits) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no fixed-width values");
    }

    /** Stores a value given as the bytes {@link #bytes} hands out; only for the variable-length types. */
    default void putBytes(int row, byte[] value) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no variable-length values");
    }

    /** Whether values travel as {@link #bits} (else as {@link #bytes}). */
    default boolean isFixedWidth() {
        return false;
    }

    /** Called once the column is filled, before its index is published: frees what building needed. */
    default void seal() {}

    /** The value as a plain Java object ({@code null} when absent), for comparisons and non-HTTP callers. */
    Object value(int row);

    /**
     * Reads the row's value (and whether it is null) and returns something derived from it: a load a caller issues
     * ahead of formatting, so independent cache misses overlap ({@code lookup/OnlineAnswer#prefetch}).
     */
    long touch(int row);

    /** Writes the value as JSON; {@code null} when absent. */
    void writeJson(int row, JsonWriter json);

    /**
     * The value's bits, read without boxing, for writers of binary forms: integers, booleans (0 or 1), timestamps
     * (microseconds since the epoch) and dates (days since the epoch) as themselves, float32 and float64 values as
     * their raw IEEE 754 bits. Only for columns of those types, and only for a row that is not null.
     */
    default long bits(int row) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no fixed-width values");
    }

    /** The length of a string's UTF-8 bytes or of a bytes value; only for those types, and a row that is not null. */
    default int byteLength(int row) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no variable-length values");
    }

    /**
     * Hands a string's UTF-8 bytes or a bytes value to {@code sink} where they are stored, without copying them; only
     * for those types, and a row that is not null.
     */
    default void bytes(int row, ByteSink sink) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no variable-length values");
    }

    /** Bytes of the values themselves, the baseline the index's memory is judged against. */
    long valueBytes();

    /** An empty column of {@code rows} rows for values of {@code type}. */
    static FeatureColumn create(ValueType type, int rows) {
        return switch (type) {
            case STRING -> new StringColumn(rows);
            case INT32 -> new IntColumn(rows);
            case INT64 -> new LongColumn(rows);
            case FLOAT32 -> new FloatColumn(rows);
            case FLOAT64 -> new DoubleColumn(rows);
            case BOOL -> new BooleanColumn(rows);
            case BYTES -> new BytesColumn(rows);
            case TIMESTAMP -> new TimestampColumn(rows);
            case DATE -> new DateColumn(rows);
            default -> new JsonColumn(rows);
        };
    }
}
