package io.featureduck.dataplane.write;

import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.ParquetRowsWriter;
import io.featureduck.dataplane.source.SourceColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Writes pushed rows as one Parquet file in the table's types ({@link ParquetRowsWriter}), under a hidden name first
 * and moved into place whole, so no reader ever lists a half-written file.
 */
final class DataFileWriter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DataFileWriter.class);
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
    long write(
            PushedRows pushed,
            List<Integer> rows,
            List<SourceColumn> columns,
            Function<SourceColumn, OptionalInt> fieldIds,
            Path target)
            throws IOException {
        Files.createDirectories(target.getParent());
        Path hidden = target.resolveSibling("." + target.getFileName() + ".tmp");
        List<ParquetRowsWriter.Column> written = columns.stream()
                .map(c -> new ParquetRowsWriter.Column(
                        c.physicalName(), c.type(), pushed.columnIndex(c.name()), fieldIds.apply(c)))
                .toList();
        List<Object[]> selected = rows.stream().map(r -> pushed.rows().get(r)).toList();
        try {
            ParquetRowsWriter.write(session, written, selected, hidden);
            Files.move(hidden, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return Files.size(target);
        } catch (SQLException e) {
            Files.deleteIfExists(hidden);
            throw new IOException("DuckDB could not write the pushed rows as Parquet: " + e.getMessage(), e);
        }
    }

    /** A data file's location as a format library names it ({@code file:} URI or path), as a local path. */
    static Path localPath(String location) {
        return location.startsWith("file:")
                ? Path.of(new org.apache.hadoop.fs.Path(location).toUri())
                : Path.of(location);
    }

    /** Removes the files of a write that was not committed: no version names them, so they are only litter. */
    static void removeUncommitted(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot remove an uncommitted data file: {}", e.toString());
            }
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
