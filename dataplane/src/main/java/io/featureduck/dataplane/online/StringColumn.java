package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Strings kept as UTF-8 bytes: half the heap of Java strings for ASCII, and written to JSON without re-encoding. */
final class StringColumn extends ByteArrayColumn {
    StringColumn(int rows) {
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
        JsonValues.writeUtf8(value, json);
    }
}
