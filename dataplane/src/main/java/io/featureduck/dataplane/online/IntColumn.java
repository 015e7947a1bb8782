package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;

/** int32 values. */
final class IntColumn extends PrimitiveColumn {
    private final int[] values;

    IntColumn(int rows) {
        super(rows, 4);
        values = new int[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getInt(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = (int) bits;
    }

    @Override
    public long bits(int row) {
        return values[row];
    }

    @Override
    Object boxed(int row) {
        return values[row];
    }

    @Override
    void writeValue(int row, JsonWriter json) {
        JsonValues.writeLong(values[row], json);
    }

    @Override
    Object array() {
        return values;
    }
}
