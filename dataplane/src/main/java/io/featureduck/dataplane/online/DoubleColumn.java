package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;

/** float64 values. */
final class DoubleColumn extends PrimitiveColumn {
    private final double[] values;

    DoubleColumn(int rows) {
        super(rows, 8);
        values = new double[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getDouble(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = Double.longBitsToDouble(bits);
    }

    @Override
    public long bits(int row) {
        return Double.doubleToRawLongBits(values[row]);
    }

    @Override
    Object boxed(int row) {
        return values[row];
    }

    @Override
    void writeValue(int row, JsonWriter json) {
        JsonValues.writeDouble(values[row], json);
    }

    @Override
    Object array() {
        return values;
    }
}
