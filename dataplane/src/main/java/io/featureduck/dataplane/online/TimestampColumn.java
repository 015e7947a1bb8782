package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Timestamps as microseconds since the epoch (UTC), served as ISO-8601 instants. */
final class TimestampColumn extends PrimitiveColumn {
    private final long[] values;

    TimestampColumn(int rows) {
        super(rows, 8);
        values = new long[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getLong(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = bits;
    }

    @Override
    public long bits(int row) {
        return values[row];
    }

    @Override
    Object boxed(int row) {
        return EventTime.toInstant(values[row]);
    }

    @Override
    void writeValue(int row, JsonWriter json) {
        json.writeAscii(EventTime.quotedUtf8(values[row]));
    }

    @Override
    Object array() {
        return values;
    }
}
