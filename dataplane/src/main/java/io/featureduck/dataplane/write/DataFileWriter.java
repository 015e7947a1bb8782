package io.featureduck.dataplane.write;

import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbTypes;
import io.featureduck.dataplane.duckdb.Sql;
import io.featureduck.dataplane.source.SourceColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Writes pushed rows as one Parquet file with DuckDB, in the table's types: each value a literal cast to its column's
 * type, so the file's schema is the table's whatever the values were. The file is written under a hidden name and
 * moved into place whole, so no reader ever lists a half-written file.
 */
final class DataFileWriter {
    private final DuckDbSession session;

    DataFileWriter(DuckDbSession session) {
        this.session = session;
    }

    /**
     * Writes {@code rows} (indexes into {@code pushed}) to {@code target}.
     *
     * @param columns  the table columns the file holds (a partitioned table's partition columns may be left out)
     * @param fieldIds each column's field id, for formats that match columns by id (Iceberg, Delta column mapping)
     * @return the file's size in bytes
     */
    long write(PushedRows pushed, List<Integer> rows, List<SourceColumn> columns,
               Function<SourceColumn, OptionalInt> fieldIds, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path hidden = target.resolveSibling("." + target.getFileName() + ".tmp");
        StringBuilder sql = new StringBuilder("COPY (SELECT * FROM (VALUES ");
        int[] indexes = columns.stream().mapToInt(c -> pushed.columnIndex(c.name())).toArray();
        String[] types = columns.stream().map(c -> DuckDbTypes.of(c.type())).toArray(String[]::new);
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = pushed.rows().get(rows.get(r));
            sql.append(r == 0 ? "(" : ", (");
            for (int c = 0; c < indexes.length; c++) {
                sql.append(c == 0 ? "" : ", ").append(Sql.literal(row[indexes[c]], types[c]));
            }
            sql.append(')');
        }
        StringJoiner names = new StringJoiner(", ", ") AS pushed(", "))");
        columns.forEach(c -> names.add(Sql.quote(c.physicalName())));
        sql.append(names).append(" TO ").append(Sql.stringLiteral(hidden.toString()))
                .append(" (FORMAT parquet, COMPRESSION snappy");
        StringJoiner ids = new StringJoiner(", ", ", FIELD_IDS {", "}");
        boolean anyId = false;
        for (SourceColumn column : columns) {
            OptionalInt id = fieldIds.apply(column);
            if (id.isPresent()) {
                ids.add(Sql.quote(column.physicalName()) + ": " + id.getAsInt());
                anyId = true;
            }
        }
        sql.append(anyId ? ids.toString() : "").append(')');
        try {
            session.execute(sql.toString());
            Files.move(hidden, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return Files.size(target);
        } catch (SQLException e) {
            Files.deleteIfExists(hidden);
            throw new IOException("DuckDB could not write the pushed rows as Parquet: " + e.getMessage(), e);
        }
    }

    /** Every row of {@code pushed}, in order. */
    static List<Integer> all(PushedRows pushed) {
        return java.util.stream.IntStream.range(0, pushed.size()).boxed().toList();
    }

    /** Rows grouped by their values of {@code partitionColumns}, groups in order of first appearance. */
    static Map<List<Object>, List<Integer>> byPartition(PushedRows pushed, List<String> partitionColumns) {
        int[] indexes = partitionColumns.stream().mapToInt(pushed::columnIndex).toArray();
        Map<List<Object>, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int r = 0; r < pushed.size(); r++) {
            Object[] row = pushed.rows().get(r);
            List<Object> key = new java.util.ArrayList<>(indexes.length);
            for (int index : indexes) {
                key.add(row[index]);
            }
            groups.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(r);
        }
        return groups;
    }
}
