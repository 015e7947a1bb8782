package io.featureduck.dataplane.duckdb;

import io.featureduck.dataplane.source.ColumnType;
import io.featureduck.dataplane.values.EpochMicros;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes rows of Java values (the forms {@link Sql#literal} takes) as one Parquet file in the table's types: the rows
 * go into a temporary table of exactly those types through DuckDB's appender, which takes typed values without any
 * SQL text per value, and DuckDB copies that table to the file.
 */
public final class ParquetRowsWriter {
    private static final AtomicLong TABLES = new AtomicLong();

    /**
     * A column of the file.
     *
     * @param name    the name in the file (a physical name under Delta column mapping)
     * @param type    the table's type for it
     * @param index   where its value is in each row
     * @param fieldId the field id to write, for readers that match columns by id (Iceberg, Delta column mapping)
     */
    public record Column(String name, ColumnType type, int index, OptionalInt fieldId) {}

    private ParquetRowsWriter() {}

    /** Writes {@code rows} to {@code target} (Snappy-compressed, as every engine reads it). */
    public static void write(DuckDbSession session, List<Column> columns, List<Object[]> rows, Path target)
            throws SQLException {
        String table = "pushed_" + TABLES.incrementAndGet();
        StringJoiner definition = new StringJoiner(", ", "CREATE TEMP TABLE " + table + " (", ")");
        StringJoiner select = new StringJoiner(", ");
        for (int c = 0; c < columns.size(); c++) {
            definition.add("c" + c + " " + DuckDbTypes.of(columns.get(c).type()));
            select.add("c" + c + " AS " + Sql.quote(columns.get(c).name()));
        }
        session.execute(definition.toString());
        try {
            try (DuckDBAppender appender =
                    session.connection().unwrap(DuckDBConnection.class).createAppender(table)) {
                for (Object[] row : rows) {
                    appender.beginRow();
                    for (Column column : columns) {
                        append(appender, row[column.index()], column.type());
                    }
                    appender.endRow();
                }
            }
            StringBuilder copy = new StringBuilder("COPY (SELECT ")
                    .append(select)
                    .append(" FROM ")
                    .append(table)
                    .append(") TO ")
                    .append(Sql.stringLiteral(target.toString()))
                    .append(" (FORMAT parquet, COMPRESSION snappy");
            if (columns.stream().anyMatch(c -> c.fieldId().isPresent())) {
                StringJoiner ids = new StringJoiner(", ", ", FIELD_IDS {", "}");
                columns.stream()
                        .filter(c -> c.fieldId().isPresent())
                        .forEach(c ->
                                ids.add(Sql.quote(c.name()) + ": " + c.fieldId().getAsInt()));
                copy.append(ids);
            }
            session.execute(copy.append(')').toString());
        } finally {
            session.execute("DROP TABLE " + table);
        }
    }

    private static void append(DuckDBAppender appender, Object value, ColumnType type) throws SQLException {
        ColumnType.Scalar scalar = type instanceof ColumnType.Primitive p ? p.scalar() : null;
        if (value == null) {
            appender.appendNull();
        } else if (value instanceof Boolean b) {
            appender.append(b.booleanValue());
        } else if (value instanceof Long l) {
            switch (scalar) {
                case INT8 -> appender.append(l.byteValue());
                case INT16 -> appender.append(l.shortValue());
                case INT32 -> appender.append(l.intValue());
                default -> appender.append(l.longValue());
            }
        } else if (value instanceof Double d) {
            if (scalar == ColumnType.Scalar.FLOAT32) {
                appender.append(d.floatValue());
            } else {
                appender.append(d.doubleValue());
            }
        } else if (value instanceof BigDecimal decimal) {
            appender.append(decimal);
        } else if (value instanceof String text) {
            if (scalar == ColumnType.Scalar.UUID) {
                appender.append(UUID.fromString(text));
            } else {
                appender.append(text);
            }
        } else if (value instanceof byte[] bytes) {
            appender.append(bytes);
        } else if (value instanceof LocalDate date) {
            appender.append(date);
        } else if (value instanceof LocalTime time) {
            appender.append(time);
        } else if (value instanceof Instant instant) {
            appender.appendEpochMicros(EpochMicros.of(instant));
        } else if (value instanceof LocalDateTime local) {
            appender.appendEpochMicros(EpochMicros.of(local));
        } else {
            throw new IllegalArgumentException(
                    "no DuckDB form for " + value.getClass().getSimpleName());
        }
    }
}
