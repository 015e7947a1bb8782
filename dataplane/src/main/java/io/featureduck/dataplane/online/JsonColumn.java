package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/** List values, rendered to JSON once by DuckDB at load and written verbatim on every lookup. */
final class JsonColumn extends ByteArrayColumn {
    JsonColumn(int rows) {
        super(rows);
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        String value = rs.getString(column);
        values[row] = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object value(int row) {
        return values[row] == null ? null : new String(values[row], StandardCharsets.UTF_8);
    }

    @Override
    void writeValue(byte[] value, JsonWriter json) {
        JsonValues.writeRawJson(value, json);
    }
}
