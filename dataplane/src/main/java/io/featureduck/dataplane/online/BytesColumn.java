package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

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
        // DSL-JSON encodes whole arrays only: the value is copied out of its page first.
        JsonValues.writeBase64(Arrays.copyOfRange(page, offset, offset + length), json);
    }
}
