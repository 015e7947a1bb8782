package io.featureduck.dataplane.write;

import io.featureduck.dataplane.source.SourceColumn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Validated rows of one push, in the table's own columns and order, every value already of its column's type: a
 * {@link Boolean}, a {@link Long} (whole numbers of any width), a {@link Double}, a {@link java.math.BigDecimal} at the
 * column's scale, a {@link String} (strings and UUIDs), a {@code byte[]}, a {@link java.time.LocalDate}, a
 * {@link java.time.LocalTime}, an {@link java.time.Instant} or a {@link java.time.LocalDateTime}; or null.
 *
 * @param columns every column of the table, as it was when the rows were validated
 * @param rows    one array per row, a value per column
 */
public record PushedRows(List<SourceColumn> columns, List<Object[]> rows) {
    public PushedRows {
        columns = List.copyOf(columns);
        rows = Collections.unmodifiableList(new ArrayList<>(rows));
    }

    public int size() {
        return rows.size();
    }

    /** The rows of several pushes in order, one batch; all must have been validated against the same columns. */
    public static PushedRows concat(List<PushedRows> pushes) {
        List<Object[]> all = new ArrayList<>();
        for (PushedRows push : pushes) {
            if (!push.columns.equals(pushes.get(0).columns)) {
                throw new IllegalArgumentException(
                        "rows validated against different table schemas cannot share a " + "commit");
            }
            all.addAll(push.rows);
        }
        return new PushedRows(pushes.get(0).columns, all);
    }

    public int columnIndex(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
