package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;

/** bool values. */
final class BooleanColumn extends PrimitiveColumn {
    private final boolean[] values;

    BooleanColumn(int rows) {
        super(rows, 1);
        values = new boolean[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getBoolean(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = bits != 0;
    }

    @Override
    public long bits(int row) {
        return values[row] ? 1 : 0;
    }

    @Override
    Object boxed(int row) {
        return values[row];
    }

    @Override
    void writeValue(int row, JsonWriter json) {
        JsonValues.writeBoolean(values[row], json);
    }

    @Override
    Object array() {
        return values;
    }
}
