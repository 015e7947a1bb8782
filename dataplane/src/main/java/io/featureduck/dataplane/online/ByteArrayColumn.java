package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;

/** A column of variable-length values kept as byte arrays; a null array is a null value. */
abstract class ByteArrayColumn implements FeatureColumn {
    final byte[][] values;

    ByteArrayColumn(int rows) {
        values = new byte[rows][];
    }

    abstract void writeValue(byte[] value, JsonWriter json);

    @Override
    public final long touch(int row) {
        byte[] value = values[row];
        return value == null ? 0 : value.length;
    }

    @Override
    public final boolean isNull(int row) {
        return values[row] == null;
    }

    @Override
    public final void writeJson(int row, JsonWriter json) {
        if (values[row] == null) {
            json.writeNull();
        } else {
            writeValue(values[row], json);
        }
    }

    @Override
    public final void copyFrom(FeatureColumn source, int rows) {
        // Values are never modified once stored, so the arrays themselves can be shared between indexes.
        System.arraycopy(((ByteArrayColumn) source).values, 0, values, 0, rows);
    }

    @Override
    public final long valueBytes() {
        long total = 0;
        for (byte[] value : values) {
            total += value == null ? 0 : value.length;
        }
        return total;
    }
}
