package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;

/** float32 values. */
final class FloatColumn extends PrimitiveColumn {
    private final float[] values;

    FloatColumn(int rows) {
        super(rows, 4);
        values = new float[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getFloat(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = Float.intBitsToFloat((int) bits);
    }

    @Override
    public long bits(int row) {
        return Float.floatToRawIntBits(values[row]);
    }

    @Override
    Object boxed(int row) {
        return values[row];
    }

    @Override
    void writeValue(int row, JsonWriter json) {
        JsonValues.writeFloat(values[row], json);
    }

    @Override
    Object array() {
        return values;
    }
}
