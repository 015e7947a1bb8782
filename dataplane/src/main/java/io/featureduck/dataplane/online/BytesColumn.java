package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.util.Arrays;
import java.sql.SQLException;

/** Binary values, served base64-encoded as Feast's JSON does. */
final class BytesColumn extends ByteArrayColumn {
    BytesColumn(int rows) {
        super(rows);
    }

    @Override
    byte[] fetch(ResultSet rs, int column) throws SQLException {
        return rs.getBytes(column);
    }

    @Override
    Object value(byte[] page, int offset, int length) {
        return Arrays.copyOfRange(page, offset, offset + length);
    }

    @Override
    void writeValue(byte[] page, int offset, int length, JsonWriter json) {
        JsonValues.writeBase64(Arrays.copyOfRange(page, offset, offset + length), json);
    }
}
