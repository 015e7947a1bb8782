package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
    Object boxed(int row) {
        return values[row];
    }

    @Override
    void writeValue(int row, JsonGenerator json) throws IOException {
        json.writeBoolean(values[row]);
    }

    @Override
    Object array() {
        return values;
    }
}
