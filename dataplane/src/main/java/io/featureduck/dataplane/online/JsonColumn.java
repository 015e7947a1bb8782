package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/** List values, rendered to JSON once by DuckDB at load and written verbatim on every lookup. */
final class JsonColumn implements FeatureColumn {
    private final byte[][] json;

    JsonColumn(int rows) {
        json = new byte[rows][];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        String value = rs.getString(column);
        json[row] = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isNull(int row) {
        return json[row] == null;
    }

    @Override
    public Object value(int row) {
        return json[row] == null ? null : new String(json[row], StandardCharsets.UTF_8);
    }

    @Override
    public void writeJson(int row, JsonGenerator generator) throws IOException {
        if (json[row] == null) {
            generator.writeNull();
        } else {
            generator.writeRawValue(new String(json[row], StandardCharsets.UTF_8));
        }
    }

    @Override
    public long valueBytes() {
        long total = 0;
        for (byte[] value : json) {
            total += value == null ? 0 : value.length;
        }
        return total;
    }
}
