package io.featureduck.dataplane.source;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One version of a table: its schema and exactly what holds its rows. DuckDB reads that and nothing else, so what is
 * served is what the table format says the version holds.
 *
 * @param version    the format's version number (Delta: commit version)
 * @param commitTime when that version was committed
 * @param contents   where the rows are: data files named by the table's metadata, or a table in a database file
 */
public record TableSnapshot(
        String location, long version, Instant commitTime, List<SourceColumn> columns, Contents contents) {

    /** Where a version's rows are. */
    public sealed interface Contents permits DataFiles, DatabaseTable {}

    /** Data files (Parquet) with their partition values and deletes, as lakehouse formats name them. */
    public record DataFiles(List<DataFile> files) implements Contents {
        public DataFiles {
            files = List.copyOf(files);
        }
    }

    /**
     * A table inside a DuckDB database file, which DuckDB reads itself rather than through data files.
     *
     * @param file  the database file
     * @param table the table or view, as {@code name} or {@code schema.name}
     */
    public record DatabaseTable(String file, String table) implements Contents {}

    public TableSnapshot(
            String location, long version, Instant commitTime, List<SourceColumn> columns, List<DataFile> dataFiles) {
        this(location, version, commitTime, columns, new DataFiles(dataFiles));
    }

    public TableSnapshot {
        columns = List.copyOf(columns);
    }

    /** The data files of this version; none for a database table. */
    public List<DataFile> dataFiles() {
        return contents instanceof DataFiles files ? files.files() : List.of();
    }

    public Optional<DatabaseTable> databaseTable() {
        return contents instanceof DatabaseTable table ? Optional.of(table) : Optional.empty();
    }

    /** The same version made of {@code files} instead: local copies of its files, or only some of them. */
    public TableSnapshot withDataFiles(List<DataFile> files) {
        return new TableSnapshot(location, version, commitTime, columns, files);
    }

    public Optional<SourceColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public long deletedRowCount() {
        return dataFiles().stream().mapToLong(f -> f.deletedRows().length).sum();
    }
}
