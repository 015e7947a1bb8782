package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

/** Dates as days since 1970-01-01, served as {@code yyyy-MM-dd}. */
final class DateColumn extends PrimitiveColumn {
    private final int[] values;

    DateColumn(int rows) {
        super(rows, 4);
        values = new int[rows];
    }

    @Override
    void store(ResultSet rs, int column, int row) throws SQLException {
        values[row] = rs.getInt(column);
    }

    @Override
    void storeBits(int row, long bits) {
        values[row] = (int) bits;
    }

    @Override
    public long bits(int row) {
        return values[row];
    }

    @Override
    Object boxed(int row) {
        return LocalDate.ofEpochDay(values[row]);
    }

    @Override
    void writeValue(int row, JsonWriter json) {
        json.writeString(LocalDate.ofEpochDay(values[row]).toString());
    }

    @Override
    Object array() {
        return values;
    }
}
