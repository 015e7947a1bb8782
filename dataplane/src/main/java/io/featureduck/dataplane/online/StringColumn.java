package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Strings kept as UTF-8 bytes: half the heap of Java strings for ASCII, and written to JSON without re-encoding. */
final class StringColumn implements FeatureColumn {
    private final byte[][] utf8;

    StringColumn(int rows) {
        utf8 = new byte[rows][];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        String value = rs.getString(column);
        utf8[row] = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isNull(int row) {
        return utf8[row] == null;
    }

    @Override
    public Object value(int row) {
        return utf8[row] == null ? null : new String(utf8[row], StandardCharsets.UTF_8);
    }

    @Override
    public void writeJson(int row, JsonGenerator json) throws IOException {
        byte[] value = utf8[row];
        if (value == null) {
            json.writeNull();
        } else {
            json.writeUTF8String(value, 0, value.length);
        }
    }

    @Override
    public long valueBytes() {
        long total = 0;
        for (byte[] value : utf8) {
            total += value == null ? 0 : value.length;
        }
        return total;
    }
}
