package io.featureduck.dataplane.source;

import io.featureduck.dataplane.config.TableLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * A table (or view) inside a DuckDB database file. DuckDB is this format's own library: the schema comes from the
 * file opened read-only, and the rows are read by attaching the file read-only to the session that computes the
 * features.
 *
 * <p>A database file keeps no history: the only version is the current one, numbered by the file's modification time
 * in milliseconds. The file must not be open for writing by another process while it is read (DuckDB locks it).
 */
public final class DuckDbTableSource implements TableSource {
    private final TableLocation location;

    public DuckDbTableSource(TableLocation location) {
        this.location = location;
    }

    @Override
    public String formatName() {
        return "duckdb";
    }

    @Override
    public TableSnapshot latestSnapshot() {
        Path file = location.path();
        if (!Files.isRegularFile(file)) {
            throw new TableSourceException("DuckDB database " + file + " not found");
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        String table = location.table();
        int dot = table.indexOf('.');
        String schema = dot < 0 ? "main" : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        List<SourceColumn> columns = new ArrayList<>();
        // The driver's metadata, not SQL text: the schema is read in DuckDB's own terms without building a query.
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file, readOnly);
                ResultSet rs = connection.getMetaData().getColumns(null, schema, name, null)) {
            while (rs.next()) {
                // The name arguments are LIKE patterns, in which '_' matches any character.
                if (!rs.getString("TABLE_SCHEM").equals(schema)
                        || !rs.getString("TABLE_NAME").equals(name)) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                // The catalog spells some types out; DuckDB's short names are the ones its casts accept everywhere.
                String type = rs.getString("TYPE_NAME")
                        .replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")
                        .replace("TIME WITH TIME ZONE", "TIMETZ");
                columns.add(new SourceColumn(column, column, new ColumnType.Native(type), false));
            }
            if (columns.isEmpty()) {
                throw new TableSourceException("DuckDB database " + file + " has no table or view '" + table + "'");
            }
            long modified = Files.getLastModifiedTime(file).toMillis();
            return new TableSnapshot(
                    file.toString(),
                    modified,
                    Instant.ofEpochMilli(modified),
                    columns,
                    new TableSnapshot.DatabaseTable(file.toString(), table));
        } catch (SQLException | IOException e) {
            throw new TableSourceException(
                    "DuckDB database " + file + ": table '" + location.table() + "' cannot be read: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public TableSnapshot snapshotAt(long version) {
        TableSnapshot latest = latestSnapshot();
        if (latest.version() != version) {
            throw new TableSourceException("DuckDB database " + location.path() + " keeps no history: only the "
                    + "current version " + latest.version() + " can be read, not " + version);
        }
        return latest;
    }

    @Override
    public OptionalLong versionAsOf(Instant time) {
        return OptionalLong.of(latestSnapshot().version());
    }
}
