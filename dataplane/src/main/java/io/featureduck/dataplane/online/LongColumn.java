package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;

/** int64 values. */
final class LongColumn extends PrimitiveColumn {
    private final long[] values;

    LongColumn(int rows) {
        super(rows, 8);
        values = new long[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getLong(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = bits;
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
