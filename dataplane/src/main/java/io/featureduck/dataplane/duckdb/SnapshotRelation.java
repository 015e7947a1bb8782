package io.featureduck.dataplane.duckdb;

import static io.featureduck.dataplane.duckdb.Sql.quote;
import static io.featureduck.dataplane.duckdb.Sql.stringLiteral;

import io.featureduck.dataplane.source.ColumnType;
import io.featureduck.dataplane.source.DataFile;
import io.featureduck.dataplane.source.DeleteFile;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSourceException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Exposes one table version to DuckDB as a view of its logical columns, built from exactly the files the table
 * format named: physical (column-mapped) names become logical ones, partition values come from the table metadata
 * rather than directory names, rows deleted by deletion vectors or position delete files are filtered out by
 * position, and rows matching an equality delete file that applies to their data file are filtered out by value.
 */
public final class SnapshotRelation {
    private static final String FILE_COLUMN = "__fd_file";
    private static final String DELETED_TABLE = "__fd_deleted_rows";
    private static final String SOURCE_DATABASE = "__fd_source_db";
    private static final String EQUALITY_DELETES = "__fd_equality_deletes_";
    private static final String EQUALITY_APPLIES = "__fd_equality_applies";

    private final TableSnapshot snapshot;

    public SnapshotRelation(TableSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** Creates the temporary view {@code viewName} in the session. */
    public void register(DuckDbSession session, String viewName) {
        try {
            session.execute("CREATE OR REPLACE TEMP VIEW " + quote(viewName) + " AS " + selectSql(session));
        } catch (SQLException e) {
            throw new TableSourceException(
                    "table " + snapshot.location() + " version " + snapshot.version()
                            + ": DuckDB cannot read its data files: " + e.getMessage(),
                    e);
        }
    }

    private String selectSql(DuckDbSession session) throws SQLException {
        List<SourceColumn> columns = snapshot.columns();
        if (snapshot.databaseTable().isPresent()) {
            // A DuckDB database file is read by DuckDB itself, attached read-only under a fixed name.
            TableSnapshot.DatabaseTable database = snapshot.databaseTable().get();
            session.execute("ATTACH IF NOT EXISTS " + stringLiteral(database.file()) + " AS " + SOURCE_DATABASE
                    + " (READ_ONLY)");
            return columns.stream()
                    .map(c -> quote(c.name()))
                    .collect(Collectors.joining(
                            ", ", "SELECT ", " FROM " + SOURCE_DATABASE + "." + Sql.qualified(database.table())));
        }
        if (snapshot.dataFiles().isEmpty()) {
            return columns.stream()
                    .map(c -> "CAST(NULL AS " + DuckDbTypes.of(c.type()) + ") AS " + quote(c.name()))
                    .collect(Collectors.joining(", ", "SELECT ", " WHERE false"));
        }
        boolean anyDeleted = snapshot.dataFiles().stream()
                .anyMatch(f -> f.hasDeletedRows() || f.deletes().stream().anyMatch(d -> !d.isEquality()));
        List<DeleteFile> equalityDeletes = snapshot.dataFiles().stream()
                .flatMap(f -> f.deletes().stream())
                .filter(DeleteFile::isEquality)
                .distinct()
                .toList();
        List<SourceColumn> partitionColumns =
                columns.stream().filter(SourceColumn::partition).toList();
        // The file name is only needed to join partition values and deleted rows; it costs a string per row.
        boolean needsFile = anyDeleted || !partitionColumns.isEmpty() || !equalityDeletes.isEmpty();
        String scan = "read_parquet("
                + snapshot.dataFiles().stream()
                        .map(f -> stringLiteral(f.path()))
                        .collect(Collectors.joining(", ", "[", "]"))
                + ", union_by_name = true, hive_partitioning = false"
                + (needsFile ? ", filename = '" + FILE_COLUMN + "'" : "")
                + (anyDeleted ? ", file_row_number = true" : "") + ")";
        Set<String> physicalInFiles = physicalColumnsInFiles(session, scan);

        List<String> projections = new ArrayList<>();
        for (SourceColumn column : columns) {
            String expression;
            if (column.partition() && physicalInFiles.contains(column.physicalName())) {
                // Iceberg: identity partitions of the file's own spec come from the manifest (a writer may leave
                // them out of the file); under an earlier spec the column is ordinary data.
                expression = "COALESCE(p." + quote(column.name()) + ", "
                        + logicalValue("d." + quote(column.physicalName()), column.type(), 0) + ")";
            } else if (column.partition()) {
                expression = "p." + quote(column.name());
            } else if (physicalInFiles.contains(column.physicalName())) {
                expression = logicalValue("d." + quote(column.physicalName()), column.type(), 0);
            } else {
                // Added to the schema after every current file was written: null, as the format specifies.
                expression = "CAST(NULL AS " + DuckDbTypes.of(column.type()) + ")";
            }
            projections.add(expression + " AS " + quote(column.name()));
        }
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(String.join(", ", projections))
                .append(" FROM ")
                .append(scan)
                .append(" AS d");
        if (!partitionColumns.isEmpty()) {
            sql.append(" JOIN (VALUES ");
            sql.append(snapshot.dataFiles().stream()
                    .map(f -> partitionRow(f, partitionColumns))
                    .collect(Collectors.joining(", ")));
            sql.append(") AS p(").append(quote(FILE_COLUMN));
            partitionColumns.forEach(c -> sql.append(", ").append(quote(c.name())));
            sql.append(") ON d.").append(quote(FILE_COLUMN)).append(" = p.").append(quote(FILE_COLUMN));
        }
        if (anyDeleted) {
            registerDeletedRows(session);
            sql.append(" ANTI JOIN ")
                    .append(DELETED_TABLE)
                    .append(" AS dv ON d.")
                    .append(quote(FILE_COLUMN))
                    .append(" = dv.file AND d.file_row_number = dv.pos");
        }
        if (equalityDeletes.isEmpty()) {
            return sql.toString();
        }
        return withoutEqualityDeletes(session, sql.toString(), columns, equalityDeletes);
    }

    /**
     * Filters out rows equal, on a delete file's columns, to a row of an equality delete file that applies to their
     * data file. Equality is on logical values (so a partition value filled from metadata counts) and nulls match
     * nulls, as the Iceberg spec says.
     */
    private String withoutEqualityDeletes(
            DuckDbSession session, String projected, List<SourceColumn> columns, List<DeleteFile> deletes)
            throws SQLException {
        session.execute("CREATE OR REPLACE TEMP TABLE " + EQUALITY_APPLIES + " (file VARCHAR, delete_id INTEGER)");
        StringBuilder filters = new StringBuilder();
        for (int i = 0; i < deletes.size(); i++) {
            DeleteFile delete = deletes.get(i);
            String table = EQUALITY_DELETES + i;
            session.execute("CREATE OR REPLACE TEMP TABLE " + table + " AS SELECT DISTINCT "
                    + delete.equalityColumns().stream().map(Sql::quote).collect(Collectors.joining(", "))
                    + " FROM read_parquet(" + stringLiteral(delete.path()) + ")");
            for (DataFile file : snapshot.dataFiles()) {
                if (file.deletes().contains(delete)) {
                    session.execute("INSERT INTO " + EQUALITY_APPLIES + " VALUES (" + stringLiteral(file.path()) + ", "
                            + i + ")");
                }
            }
            filters.append(" AND NOT EXISTS (SELECT 1 FROM ")
                    .append(table)
                    .append(" AS e JOIN ")
                    .append(EQUALITY_APPLIES)
                    .append(" AS a ON a.delete_id = ")
                    .append(i)
                    .append(" WHERE a.file = r.")
                    .append(quote(FILE_COLUMN));
            for (String column : delete.equalityColumns()) {
                filters.append(" AND e.")
                        .append(quote(column))
                        .append(" IS NOT DISTINCT FROM r.")
                        .append(quote(column));
            }
            filters.append(")");
        }
        String logical = columns.stream().map(c -> "r." + quote(c.name())).collect(Collectors.joining(", "));
        String withFile = projected.replaceFirst("^SELECT ", "SELECT d." + quote(FILE_COLUMN) + ", ");
        return "SELECT " + logical + " FROM (" + withFile + ") AS r WHERE true" + filters;
    }

    private Set<String> physicalColumnsInFiles(DuckDbSession session, String scan) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static String partitionRow(DataFile file, List<SourceColumn> partitionColumns) {
        StringBuilder row = new StringBuilder("(").append(stringLiteral(file.path()));
        for (SourceColumn column : partitionColumns) {
            row.append(", ")
                    .append(Sql.literal(file.partitionValues().get(column.name()), DuckDbTypes.of(column.type())));
        }
        return row.append(")").toString();
    }

    /** Deleted positions can number millions, so they go through the appender rather than SQL text. */
    private void registerDeletedRows(DuckDbSession session) throws SQLException {
        session.execute("CREATE OR REPLACE TEMP TABLE " + DELETED_TABLE + " (file VARCHAR, pos BIGINT)");
        DuckDBConnection duck = session.connection().unwrap(DuckDBConnection.class);
        try (DuckDBAppender appender = duck.createAppender("temp", "main", DELETED_TABLE)) {
            for (DataFile file : snapshot.dataFiles()) {
                for (long position : file.deletedRows()) {
                    appender.beginRow();
                    appender.append(file.path());
                    appender.append(position);
                    appender.endRow();
                }
            }
        }
        // Iceberg position delete files name the data file by its path in the table metadata.
        for (DataFile file : snapshot.dataFiles()) {
            for (DeleteFile delete : file.deletes()) {
                if (!delete.isEquality()) {
                    session.execute("INSERT INTO " + DELETED_TABLE + " SELECT " + stringLiteral(file.path())
                            + ", pos FROM read_parquet(" + stringLiteral(delete.path()) + ") WHERE file_path = "
                            + stringLiteral(delete.dataFileName()));
                }
            }
        }
    }

    /**
     * The expression that turns a stored value into the logical column. Only column-mapped nested types need
     * rebuilding; everything else is a cast, which also widens types the table has widened since a file was written.
     */
    private static String logicalValue(String stored, ColumnType type, int depth) {
        if (!type.hasRenamedFields()) {
            return type instanceof ColumnType.Primitive
                    ? "CAST(" + stored + " AS " + DuckDbTypes.of(type) + ")"
                    : stored;
        }
        String variable = "x" + depth;
        if (type instanceof ColumnType.ListOf list) {
            return "list_transform(" + stored + ", lambda " + variable + ": "
                    + logicalValue(variable, list.element(), depth + 1) + ")";
        }
        if (type instanceof ColumnType.MapOf map) {
            return "map_from_entries(list_transform(map_entries(" + stored + "), lambda " + variable
                    + ": struct_pack(key := " + logicalValue(variable + ".key", map.key(), depth + 1)
                    + ", value := " + logicalValue(variable + ".value", map.value(), depth + 1) + ")))";
        }
        ColumnType.StructOf struct = (ColumnType.StructOf) type;
        String fields = struct.fields().stream()
                .map(f -> quote(f.name()) + " := "
                        + logicalValue(stored + "." + quote(f.physicalName()), f.type(), depth + 1))
                .collect(Collectors.joining(", "));
        return "CASE WHEN " + stored + " IS NULL THEN NULL ELSE struct_pack(" + fields + ") END";
    }
}
