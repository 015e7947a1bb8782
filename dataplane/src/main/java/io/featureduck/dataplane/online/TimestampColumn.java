package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
    Object boxed(int row) {
        return EventTime.toInstant(values[row]);
    }

    @Override
    void writeValue(int row, JsonGenerator json) throws IOException {
        json.writeString(EventTime.json(values[row]));
    }

    @Override
    Object array() {
        return values;
    }
}
