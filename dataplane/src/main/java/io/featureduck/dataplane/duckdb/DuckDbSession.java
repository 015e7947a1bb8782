package io.featureduck.dataplane.duckdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A private in-memory DuckDB database for one piece of work (loading a view, answering one historical query).
 *
 * <p>User expressions run here, so the database is treated like code execution: before any of them runs, file
 * access is limited to the table's own directories, extension loading is off and the configuration is locked.
 * A database per piece of work makes those limits exact, and in-memory databases cost little to open.
 */
public final class DuckDbSession implements AutoCloseable {
    private static final Pattern MEMORY_LIMIT =
            Pattern.compile("^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$");

    private final Connection connection;
    private final java.util.List<AutoCloseable> closeWith = new java.util.ArrayList<>();

    private DuckDbSession(Connection connection) {
        this.connection = connection;
    }

    /** Opens a database that may read files only under {@code readableDirectories}. */
    public static DuckDbSession open(DuckDbSettings settings, Collection<Path> readableDirectories) {
        try {
            Files.createDirectories(settings.tempDirectory());
            Connection connection = DriverManager.getConnection("jdbc:duckdb:");
            DuckDbSession session = new DuckDbSession(connection);
            try {
                session.execute("SET TimeZone = 'UTC'");
                session.execute("SET threads = " + Math.max(1, settings.threads()));
                if (settings.memoryLimit().isPresent()) {
                    String limit = settings.memoryLimit().get();
                    if (!MEMORY_LIMIT.matcher(limit).matches()) {
                        throw new IllegalArgumentException(
                                "DuckDB memory limit '" + limit + "' is not a size like 2GB");
                    }
                    session.execute("SET memory_limit = '" + limit + "'");
                }
                session.execute("SET temp_directory = "
                        + literal(settings.tempDirectory().toString()));
                // Progress is tracked so long historical queries can report it; nothing is printed by DuckDB itself.
                session.execute("SET enable_progress_bar = true");
                session.execute("SET enable_progress_bar_print = false");
                session.execute("SET autoinstall_known_extensions = false");
                session.execute("SET autoload_known_extensions = false");
                String allowed = readableDirectories.stream()
                        .map(p -> literal(p.toAbsolutePath().normalize() + "/"))
                        .collect(Collectors.joining(", ", "[", "]"));
                session.execute("SET allowed_directories = " + allowed);
                session.execute("SET enable_external_access = false");
                session.execute("SET lock_configuration = true");
                return session;
            } catch (SQLException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open DuckDB: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(
                    "cannot create DuckDB temp directory " + settings.tempDirectory() + ": " + e, e);
        }
    }

    /**
     * Loads DuckDB's native library (its first connection costs about a second) on a background thread, so that a
     * short-lived command can overlap it with reading its configuration and table metadata.
     */
    @SuppressWarnings("try") // the connection is opened only to load the library, and closed at once
    public static void preloadInBackground() {
        Thread loader = new Thread(
                () -> {
                    try (Connection ignored = DriverManager.getConnection("jdbc:duckdb:")) {
                        // Opening is the point: the library stays loaded for the sessions that follow.
                    } catch (SQLException e) {
                        // The real session will report the problem with its context.
                    }
                },
                "duckdb-preload");
        loader.setDaemon(true);
        loader.start();
    }

    public Connection connection() {
        return connection;
    }

    public void execute(String sql) throws SQLException {
        // A DuckDB statement is closed by a failed query, so each statement is used once.
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Closes {@code resource} with the session: what DuckDB may read until then, such as pinned cached files. */
    public void closeWith(AutoCloseable resource) {
        closeWith.add(resource);
    }

    /** The first line of a DuckDB error, which names the problem; the lines after it show the query around it. */
    static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing an in-memory database only frees memory; nothing to report.
        }
        for (AutoCloseable resource : closeWith) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // Resources closed here only release local bookkeeping.
            }
        }
    }
}
