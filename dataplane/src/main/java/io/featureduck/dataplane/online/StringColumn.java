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
    byte[] fetch(ResultSet rs, int column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    Object value(byte[] page, int offset, int length) {
        return new String(page, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    void writeValue(byte[] page, int offset, int length, JsonWriter json) {
        JsonValues.writeUtf8(page, offset, length, json);
    }
}
