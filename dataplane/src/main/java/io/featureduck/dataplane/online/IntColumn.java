package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;

final class IntColumn implements FeatureColumn {
    private final int[] values;
    private final BitSet nulls = new BitSet();

    IntColumn(int rows) {
        values = new int[rows];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getInt(column);
        if (rs.wasNull()) {
            nulls.set(row);
        }
    }

    @Override
    public boolean isNull(int row) {
        return nulls.get(row);
    }

    @Override
    public Object value(int row) {
        return isNull(row) ? null : values[row];
    }

    @Override
    public void writeJson(int row, JsonGenerator json) throws IOException {
        if (isNull(row)) {
            json.writeNull();
        } else {
            json.writeNumber(values[row]);
        }
    }

    @Override
    public long valueBytes() {
        return 4L * values.length;
    }
}
