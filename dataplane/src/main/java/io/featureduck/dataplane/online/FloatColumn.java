package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
    Object boxed(int row) {
        return values[row];
    }

    @Override
    void writeValue(int row, JsonGenerator json) throws IOException {
        json.writeNumber(values[row]);
    }

    @Override
    Object array() {
        return values;
    }
}
