package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
