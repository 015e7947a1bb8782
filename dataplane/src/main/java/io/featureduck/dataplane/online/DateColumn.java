package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.BitSet;

/** Dates as days since 1970-01-01, served as {@code yyyy-MM-dd}. */
final class DateColumn implements FeatureColumn {
    private final int[] days;
    private final BitSet nulls = new BitSet();

    DateColumn(int rows) {
        days = new int[rows];
    }

    @Override
    public void read(ResultSet rs, int column, int row) throws SQLException {
        days[row] = rs.getInt(column);
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
        return isNull(row) ? null : LocalDate.ofEpochDay(days[row]);
    }

    @Override
    public void writeJson(int row, JsonGenerator json) throws IOException {
        if (isNull(row)) {
            json.writeNull();
        } else {
            json.writeString(LocalDate.ofEpochDay(days[row]).toString());
        }
    }

    @Override
    public long valueBytes() {
        return 4L * days.length;
    }
}
