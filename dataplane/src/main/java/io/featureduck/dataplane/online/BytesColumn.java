package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Binary values, served base64-encoded as Feast's JSON does. */
final class BytesColumn implements FeatureColumn {
    private final byte[][] values;

    BytesColumn(int rows) {
        values = new byte[rows][];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getBytes(column);
    }

    @Override
    public boolean isNull(int row) {
        return values[row] == null;
    }

    @Override
    public Object value(int row) {
        return values[row] == null ? null : values[row].clone();
    }

    @Override
    public void writeJson(int row, JsonGenerator json) throws IOException {
        if (values[row] == null) {
            json.writeNull();
        } else {
            json.writeBinary(values[row]);
        }
    }

    @Override
    public long valueBytes() {
        long total = 0;
        for (byte[] value : values) {
            total += value == null ? 0 : value.length;
        }
        return total;
    }
}
