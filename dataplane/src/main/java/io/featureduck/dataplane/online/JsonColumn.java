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
        JsonValues.writeRawJson(page, offset, length, json);
    }
}
