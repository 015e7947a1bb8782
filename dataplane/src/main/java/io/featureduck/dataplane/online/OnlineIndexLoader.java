package io.featureduck.dataplane.online;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import io.featureduck.dataplane.duckdb.ViewProjection;
import io.featureduck.dataplane.source.DataFile;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceException;
import io.featureduck.dataplane.storage.DataFileCache;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds an {@link OnlineIndex}: the table format names the files of the latest version, DuckDB picks the latest
 * row per entity and computes the features, and the result is copied once into columnar arrays.
 */
public final class OnlineIndexLoader {
    private static final String SOURCE = "source";
    private static final String LATEST = "latest";

    private final DuckDbSettings settings;
    private final Clock clock;
    private final DataFileCache files;

    /** A loader for tables on local disk. */
    public OnlineIndexLoader(DuckDbSettings settings, Clock clock) {
        this(settings, clock, DataFileCache.localOnly());
    }

    /** A loader that reads object-store files through local copies in {@code files}. */
    public OnlineIndexLoader(DuckDbSettings settings, Clock clock, DataFileCache files) {
        this.settings = settings;
        this.clock = clock;
        this.files = files;
    }

    private List<java.nio.file.Path> readable(ViewDefinition view) {
        List<java.nio.file.Path> roots = new ArrayList<>(view.location().readableRoots());
        roots.add(files.directory());
        return roots;
    }

    public OnlineIndex load(ViewDefinition view, TableSource source) {
        TableSnapshot snapshot;
        try {
            snapshot = source.latestSnapshot();
        } catch (TableSourceException e) {
            throw new ViewLoadException("FeatureView '" + view.name() + "': " + e.getMessage(), e);
        }
        return load(view, snapshot);
    }

    public OnlineIndex load(ViewDefinition view, TableSnapshot snapshot) {
        try (DataFileCache.LocalSnapshot local = files.localize(snapshot);
             DuckDbSession session = DuckDbSession.open(settings, readable(view))) {
            new SnapshotRelation(local.snapshot()).register(session, SOURCE);
            ViewProjection projection = ViewProjection.check(view, snapshot, session, SOURCE);
            if (view.isSnapshot()) {
                projection.requireUniqueKeys(session, SOURCE, snapshot);
            }
            session.execute("CREATE TEMP TABLE " + LATEST + " AS " + latestRowsSql(projection, snapshot));
            return read(session, view, snapshot, count(session, SOURCE));
        } catch (SQLException e) {
            throw new ViewLoadException("FeatureView '" + view.name() + "': loading table " + snapshot.location()
                    + " version " + snapshot.version() + " failed: " + e.getMessage(), e);
        } catch (TableSourceException e) {
            throw new ViewLoadException("FeatureView '" + view.name() + "': " + e.getMessage(), e);
        } catch (ViewProjection.ViewDefinitionMismatch e) {
            throw new ViewLoadException(e.getMessage(), e);
        }
    }

    /**
     * The latest row per entity: greatest event time, ties broken by the greatest created time. Rows without a key or
     * an event time cannot be looked up or ordered and are skipped.
     */
    static String latestRowsSql(ViewProjection projection, TableSnapshot snapshot) {
        ViewDefinition view = projection.view();
        List<String> select = new ArrayList<>(projection.keyProjections());
        String notNull = projection.keyColumns().stream().map(k -> k + " IS NOT NULL").collect(Collectors.joining(" AND "));
        if (view.isSnapshot()) {
            select.add(EventTime.toMicros(snapshot.commitTime()) + "::BIGINT AS event_us");
            select.addAll(projection.featureProjections());
            return "SELECT " + String.join(", ", select) + " FROM " + SOURCE + " WHERE " + notNull;
        }
        select.add("epoch_us(" + projection.eventTime() + ") AS event_us");
        projection.createdTime().ifPresent(c -> select.add("epoch_us(" + c + ") AS created_us"));
        select.addAll(projection.featureProjections());
        String order = projection.eventTime() + " DESC"
                + projection.createdTime().map(c -> ", " + c + " DESC NULLS LAST").orElse("");
        return "SELECT " + String.join(", ", select) + " FROM (SELECT * FROM " + SOURCE + " WHERE " + notNull
                + " AND " + projection.eventTime() + " IS NOT NULL QUALIFY row_number() OVER (PARTITION BY "
                + String.join(", ", projection.keyColumns()) + " ORDER BY " + order + ") = 1)";
    }

    private static long count(DuckDbSession session, String relation) throws SQLException {
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + relation)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private OnlineIndex read(DuckDbSession session, ViewDefinition view, TableSnapshot snapshot, long sourceRows)
            throws SQLException {
        int rows = Math.toIntExact(count(session, LATEST));
        List<EntitySpec> entities = view.entities();
        boolean singleIntegerKey = entities.size() == 1 && isIntegerLike(entities.get(0).type());
        EntityKeyIndex keys = EntityKeyIndex.create(singleIntegerKey, rows);
        long[] eventMicros = new long[rows];
        long[] createdMicros = hasCreatedTime(view) ? new long[rows] : null;
        FeatureColumn[] columns = new FeatureColumn[view.features().size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = FeatureColumn.create(view.features().get(i).type(), rows);
        }
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM " + LATEST)) {
            int row = 0;
            while (rs.next()) {
                keys.put(readKey(rs, entities), row);
                readRow(rs, view, row, eventMicros, createdMicros, columns);
                row++;
            }
        }
        return new OnlineIndex(view, snapshot, clock.instant(), keys, eventMicros, createdMicros, columns, sourceRows);
    }

    /**
     * The index of {@code latest}, a version that only appended {@code added} files to the version {@code previous}
     * was built from: DuckDB reads just those files for the latest row per key among them, and each replaces the
     * previous row of its key if it is later (by event time, then created time, as a full load would decide).
     * Everything else is carried over as it is, so the result equals a full load of {@code latest}.
     */
    public OnlineIndex extend(OnlineIndex previous, TableSnapshot latest, List<DataFile> added) {
        ViewDefinition view = previous.view();
        if (view.isSnapshot()) {
            throw new IllegalArgumentException("snapshot views take every row's time from the version: rebuild them");
        }
        TableSnapshot appended = new TableSnapshot(latest.location(), latest.version(), latest.commitTime(),
                latest.columns(), added);
        try (DataFileCache.LocalSnapshot local = files.localize(appended);
             DuckDbSession session = DuckDbSession.open(settings, readable(view))) {
            new SnapshotRelation(local.snapshot()).register(session, SOURCE);
            ViewProjection projection = ViewProjection.check(view, appended, session, SOURCE);
            session.execute("CREATE TEMP TABLE " + LATEST + " AS " + latestRowsSql(projection, appended));
            return merge(session, previous, latest, count(session, SOURCE));
        } catch (SQLException e) {
            throw new ViewLoadException("FeatureView '" + view.name() + "': appending " + added.size()
                    + " files of table " + latest.location() + " version " + latest.version() + " failed: "
                    + e.getMessage(), e);
        } catch (TableSourceException e) {
            throw new ViewLoadException("FeatureView '" + view.name() + "': " + e.getMessage(), e);
        } catch (ViewProjection.ViewDefinitionMismatch e) {
            throw new ViewLoadException(e.getMessage(), e);
        }
    }

    private OnlineIndex merge(DuckDbSession session, OnlineIndex previous, TableSnapshot latest, long addedRows)
            throws SQLException {
        ViewDefinition view = previous.view();
        List<EntitySpec> entities = view.entities();
        int keyCount = entities.size();
        boolean created = hasCreatedTime(view);
        // First pass: where each appended row goes (its key's row, a new row, or nowhere when the old row is later).
        List<Integer> targets = new ArrayList<>();
        List<Object> newKeys = new ArrayList<>();
        int next = previous.size();
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM " + LATEST + " ORDER BY rowid")) {
            while (rs.next()) {
                Object key = readKey(rs, entities);
                int row = previous.rowOf(key);
                if (row == EntityKeyIndex.ABSENT) {
                    newKeys.add(key);
                    targets.add(next++);
                } else {
                    long event = rs.getLong(keyCount + 1);
                    long oldEvent = previous.eventMicros()[row];
                    boolean later = event > oldEvent;
                    if (event == oldEvent && created) {
                        long createdAt = rs.getLong(keyCount + 2);
                        boolean createdNull = rs.wasNull();
                        later = !createdNull && createdAt > previous.createdMicros()[row];
                    }
                    targets.add(later ? row : -1);
                }
            }
        }
        int rows = next;
        EntityKeyIndex keys = previous.keyIndex().copy(rows);
        for (int i = 0; i < newKeys.size(); i++) {
            keys.put(newKeys.get(i), previous.size() + i);
        }
        long[] eventMicros = java.util.Arrays.copyOf(previous.eventMicros(), rows);
        long[] createdMicros = created ? java.util.Arrays.copyOf(previous.createdMicros(), rows) : null;
        FeatureColumn[] columns = new FeatureColumn[view.features().size()];
        for (int f = 0; f < columns.length; f++) {
            columns[f] = FeatureColumn.create(view.features().get(f).type(), rows);
            columns[f].copyFrom(previous.column(f), previous.size());
        }
        // Second pass: the winning rows' values.
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM " + LATEST + " ORDER BY rowid")) {
            int i = 0;
            while (rs.next()) {
                int row = targets.get(i++);
                if (row >= 0) {
                    readRow(rs, view, row, eventMicros, createdMicros, columns);
                }
            }
        }
        return new OnlineIndex(view, latest, clock.instant(), keys, eventMicros, createdMicros, columns,
                previous.sourceRows() + addedRows);
    }

    /** Reads event time, created time (when kept) and features of the current result-set row into {@code row}. */
    private static void readRow(ResultSet rs, ViewDefinition view, int row, long[] eventMicros, long[] createdMicros,
                                FeatureColumn[] columns) throws SQLException {
        int keyCount = view.entities().size();
        eventMicros[row] = rs.getLong(keyCount + 1);
        int next = keyCount + 2;
        if (createdMicros != null) {
            long createdAt = rs.getLong(next++);
            // A missing created time loses every tie, as in a full load.
            createdMicros[row] = rs.wasNull() ? Long.MIN_VALUE : createdAt;
        }
        for (int f = 0; f < columns.length; f++) {
            columns[f].read(rs, next + f, row);
        }
    }

    private static boolean hasCreatedTime(ViewDefinition view) {
        return !view.isSnapshot() && view.createdTimestampColumn() != null;
    }

    private static Object readKey(ResultSet rs, List<EntitySpec> entities) throws SQLException {
        if (entities.size() == 1) {
            return EntityKeys.read(rs, 1, entities.get(0).type());
        }
        List<Object> parts = new ArrayList<>(entities.size());
        for (int i = 0; i < entities.size(); i++) {
            parts.add(EntityKeys.read(rs, i + 1, entities.get(i).type()));
        }
        return List.copyOf(parts);
    }

    private static boolean isIntegerLike(ValueType type) {
        return type == ValueType.INT32 || type == ValueType.INT64 || type == ValueType.DATE || type == ValueType.TIMESTAMP;
    }
}
