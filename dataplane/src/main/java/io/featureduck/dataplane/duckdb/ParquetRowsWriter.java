package io.featureduck.dataplane.duckdb;

import io.featureduck.dataplane.source.ColumnType;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.StringJoiner;

/**
 * Writes rows of Java values as one Parquet file with DuckDB, each value a literal cast to its column's type, so the
 * file's schema is the table's whatever the values were (see {@link Sql#literal} for the value forms).
 */
public final class ParquetRowsWriter {
    /**
     * A column of the file.
     *
     * @param name    the name in the file (a physical name under Delta column mapping)
     * @param type    the table's type for it
     * @param index   where its value is in each row
     * @param fieldId the field id to write, for readers that match columns by id (Iceberg, Delta column mapping)
     */
    public record Column(String name, ColumnType type, int index, OptionalInt fieldId) {
    }

    private ParquetRowsWriter() {
    }

    /** Writes {@code rows} to {@code target} (Snappy-compressed, as every engine reads it). */
    public static void write(DuckDbSession session, List<Column> columns, List<Object[]> rows, Path target)
            throws SQLException {
        String[] types = columns.stream().map(c -> DuckDbTypes.of(c.type())).toArray(String[]::new);
        StringBuilder sql = new StringBuilder("COPY (SELECT * FROM (VALUES ");
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            sql.append(r == 0 ? "(" : ", (");
            for (int c = 0; c < types.length; c++) {
                sql.append(c == 0 ? "" : ", ").append(Sql.literal(row[columns.get(c).index()], types[c]));
            }
            sql.append(')');
        }
        StringJoiner names = new StringJoiner(", ", ") AS pushed(", "))");
        columns.forEach(c -> names.add(Sql.quote(c.name())));
        sql.append(names).append(" TO ").append(Sql.stringLiteral(target.toString()))
                .append(" (FORMAT parquet, COMPRESSION snappy");
        StringJoiner ids = new StringJoiner(", ", ", FIELD_IDS {", "}");
        columns.stream().filter(c -> c.fieldId().isPresent())
                .forEach(c -> ids.add(Sql.quote(c.name()) + ": " + c.fieldId().getAsInt()));
        if (columns.stream().anyMatch(c -> c.fieldId().isPresent())) {
            sql.append(ids);
        }
        session.execute(sql.append(')').toString());
    }
}
