package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.BitSet;

/** Timestamps as microseconds since the epoch (UTC), served as ISO-8601 instants. */
final class TimestampColumn implements FeatureColumn {
    private final long[] micros;
    private final BitSet nulls = new BitSet();

    TimestampColumn(int rows) {
        micros = new long[rows];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        micros[row] = rs.getLong(column);
        if (rs.wasNull()) {
            nulls.set(row);
        }
    }

    @Override
    public boolean isNull(int row) {
        return nulls.get(row);
    }

    @Override
    public Object value(int row) {
        return isNull(row) ? null : EventTime.toInstant(micros[row]);
    }

    @Override
    public void writeJson(int row, JsonGenerator json) throws IOException {
        if (isNull(row)) {
            json.writeNull();
        } else {
            json.writeString(EventTime.json(micros[row]));
        }
    }

    @Override
    public long valueBytes() {
        return 8L * micros.length;
    }
}
