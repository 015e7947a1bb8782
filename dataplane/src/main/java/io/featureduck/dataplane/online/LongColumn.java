package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
