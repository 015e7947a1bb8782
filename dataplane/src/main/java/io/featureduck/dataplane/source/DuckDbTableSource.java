package io.featureduck.dataplane.source;

import io.featureduck.dataplane.config.TableLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
        List<SourceColumn> columns = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file, readOnly);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("DESCRIBE " + SqlIdentifiers.qualified(location.table()))) {
            while (rs.next()) {
                String name = rs.getString("column_name");
                // DESCRIBE spells some types out; the rest of FeatureDuck uses DuckDB's short names.
                String type = rs.getString("column_type").replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")
                        .replace("TIME WITH TIME ZONE", "TIMETZ");
                columns.add(new SourceColumn(name, name, new ColumnType.Primitive(type), false));
            }
            long modified = Files.getLastModifiedTime(file).toMillis();
            return new TableSnapshot(file.toString(), modified, Instant.ofEpochMilli(modified), columns, List.of(),
                    new TableSnapshot.DatabaseTable(file.toString(), location.table()));
        } catch (SQLException | IOException e) {
            throw new TableSourceException("DuckDB database " + file + ": table '" + location.table()
                    + "' cannot be read: " + e.getMessage(), e);
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
