package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import io.featureduck.dataplane.values.JsonValues;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Binary values, served base64-encoded as Feast's JSON does. */
final class BytesColumn extends ByteArrayColumn {
    BytesColumn(int rows) {
        super(rows);
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getBytes(column);
    }

    @Override
    public Object value(int row) {
        return values[row] == null ? null : values[row].clone();
    }

    @Override
    void writeValue(byte[] value, JsonWriter json) {
        JsonValues.writeBase64(value, json);
    }
}
