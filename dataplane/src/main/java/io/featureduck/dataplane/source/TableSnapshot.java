package io.featureduck.dataplane.source;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One version of a table: its schema and exactly the data files (and deleted rows) that make it up. DuckDB reads
 * these files and nothing else, so what is served is what the table format says the version holds.
 *
 * @param version    the format's version number (Delta: commit version)
 * @param commitTime when that version was committed
 */
public record TableSnapshot(String location, long version, Instant commitTime, List<SourceColumn> columns,
                           List<DataFile> dataFiles, DatabaseTable databaseTable) {
    /**
     * A table inside a DuckDB database file, which DuckDB reads itself rather than through data files.
     *
     * @param file  the database file
     * @param table the table or view, as {@code name} or {@code schema.name}
     */
    public record DatabaseTable(String file, String table) {
    }

    public TableSnapshot(String location, long version, Instant commitTime, List<SourceColumn> columns,
                         List<DataFile> dataFiles) {
        this(location, version, commitTime, columns, dataFiles, null);
    }

    public TableSnapshot {
        columns = List.copyOf(columns);
        dataFiles = List.copyOf(dataFiles);
    }

    public Optional<SourceColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public long deletedRowCount() {
        return dataFiles.stream().mapToLong(f -> f.deletedRows().length).sum();
    }
}
