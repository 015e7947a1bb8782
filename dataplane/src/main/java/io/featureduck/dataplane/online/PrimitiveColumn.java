package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;

/** A column kept in a primitive array; nulls live in a bitmap because primitives have no null. */
abstract class PrimitiveColumn implements FeatureColumn {
    private final BitSet nulls = new BitSet();
    private final long valueBytes;

    PrimitiveColumn(int rows, int bytesPerValue) {
        this.valueBytes = (long) rows * bytesPerValue;
    }

    /** Stores the current result-set value; the base class notes whether it was null. */
    abstract void store(ResultSet rs, int column, int row) throws SQLException;

    abstract Object boxed(int row);

    /** Stores a value given as its {@link #bits}. */
    abstract void storeBits(int row, long bits);

    @Override
    public abstract long bits(int row);

    abstract void writeValue(int row, JsonWriter json);

    /** The primitive array holding the values, for bulk copies between columns of the same kind. */
    abstract Object array();

    @Override
    public final void read(ResultSet rs, int column, int row) throws SQLException {
        store(rs, column, row);
        // Set or cleared: an incremental refresh overwrites rows that already hold a value.
        nulls.set(row, rs.wasNull());
    }

    @Override
    public final long touch(int row) {
        return bits(row) + (nulls.get(row) ? 1 : 0);
    }

    @Override
    public final boolean isNull(int row) {
        return nulls.get(row);
    }

    @Override
    public final Object value(int row) {
        return isNull(row) ? null : boxed(row);
    }

    @Override
    public final void writeJson(int row, JsonWriter json) {
        if (isNull(row)) {
            json.writeNull();
        } else {
            writeValue(row, json);
        }
    }

    @Override
    public final void copyFrom(FeatureColumn source, int rows) {
        PrimitiveColumn from = (PrimitiveColumn) source;
        System.arraycopy(from.array(), 0, array(), 0, rows);
        nulls.or(from.nulls.get(0, rows));
    }

    @Override
    public final void copyRow(FeatureColumn source, int from, int to) {
        PrimitiveColumn column = (PrimitiveColumn) source;
        if (column.isNull(from)) {
            putNull(to);
        } else {
            putBits(to, column.bits(from));
        }
    }

    @Override
    public final void copyRows(FeatureColumn source, int from, int to, int count) {
        PrimitiveColumn column = (PrimitiveColumn) source;
        System.arraycopy(column.array(), from, array(), to, count);
        nulls.clear(to, to + count);
        for (int row = column.nulls.nextSetBit(from);
                row >= 0 && row < from + count;
                row = column.nulls.nextSetBit(row + 1)) {
            nulls.set(to + row - from);
        }
    }

    @Override
    public final void putBits(int row, long bits) {
        storeBits(row, bits);
        nulls.clear(row);
    }

    @Override
    public final boolean isFixedWidth() {
        return true;
    }

    @Override
    public final void putNull(int row) {
        nulls.set(row);
    }

    @Override
    public final long valueBytes() {
        return valueBytes;
    }
}
