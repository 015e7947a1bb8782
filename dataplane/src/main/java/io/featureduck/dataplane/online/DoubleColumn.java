package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;

final class DoubleColumn implements FeatureColumn {
    private final double[] values;
    private final BitSet nulls = new BitSet();

    DoubleColumn(int rows) {
        values = new double[rows];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getDouble(column);
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
        return 8L * values.length;
    }
}
