package io.featureduck.dataplane.online;

import io.featureduck.crds.EntitySpec;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.LatestRows;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.slots.ShardScope;
import io.featureduck.dataplane.source.DataFile;
import io.featureduck.dataplane.source.LocalSnapshot;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.storage.DataFileCache;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an {@link OnlineIndex}: the table format names the files of the latest version, DuckDB picks the latest
 * row per entity and computes the features ({@link LatestRows}), and the result is copied once into columnar arrays.
 */
public final class OnlineIndexLoader {
    private final DuckDbSettings settings;
    private final Clock clock;
    private final DataFileCache files;
    private final ShardScope scope;

    /** A loader for tables on local disk. */
    public OnlineIndexLoader(DuckDbSettings settings, Clock clock) {
        this(settings, clock, DataFileCache.localOnly(), ShardScope.WHOLE);
    }

    /** A loader that reads object-store files through local copies in {@code files}. */
    public OnlineIndexLoader(DuckDbSettings settings, Clock clock, DataFileCache files) {
        this(settings, clock, files, ShardScope.WHOLE);
    }

    /**
     * A loader that reads object-store files through local copies in {@code files} and keeps the keys of
     * {@code scope}'s shard.
     */
    public OnlineIndexLoader(DuckDbSettings settings, Clock clock, DataFileCache files, ShardScope scope) {
        this.settings = settings;
        this.clock = clock;
        this.files = files;
        this.scope = scope;
    }

    private List<Path> readable(ViewDefinition view) {
        List<Path> roots = new ArrayList<>(view.location().readableRoots());
        roots.add(files.directory());
        return roots;
    }

    /**
     * The index of the latest version of {@code view}'s table.
     *
     * @throws FeatureDuckException naming the view: the table cannot be read, or does not match the definition
     */
    public OnlineIndex load(ViewDefinition view, TableSource source) {
        TableSnapshot snapshot;
        try {
            snapshot = source.latestSnapshot();
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(view.name(), e);
        }
        return load(view, snapshot);
    }

    public OnlineIndex load(ViewDefinition view, TableSnapshot snapshot) {
        try (LocalSnapshot local = LocalSnapshot.of(snapshot, files);
                DuckDbSession session = DuckDbSession.open(settings, readable(view))) {
            return read(LatestRows.compute(session, view, local.snapshot(), snapshot, scope), view, snapshot);
        } catch (SQLException e) {
            throw FeatureDuckException.inView(
                    view.name(),
                    new FeatureDuckException(
                            ErrorCode.TABLE_UNAVAILABLE,
                            "loading table " + snapshot.location() + " version " + snapshot.version() + " failed: "
                                    + e.getMessage(),
                            e));
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(view.name(), e);
        }
    }

    private OnlineIndex read(LatestRows latest, ViewDefinition view, TableSnapshot snapshot) throws SQLException {
        int rows = latest.rows();
        List<EntitySpec> entities = view.entities();
        boolean singleIntegerKey =
                entities.size() == 1 && EntityKeys.isLong(entities.get(0).type());
        EntityKeyIndex keys = EntityKeyIndex.create(singleIntegerKey, rows);
        long[] eventMicros = new long[rows];
        long[] createdMicros = hasCreatedTime(view) ? new long[rows] : null;
        FeatureColumn[] columns = new FeatureColumn[view.features().size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = FeatureColumn.create(view.features().get(i).type(), rows);
        }
        int[] row = {0};
        latest.read(
                rs -> {
                    keys.put(readKey(rs, entities), row[0]);
                    readRow(rs, view, row[0], eventMicros, createdMicros, columns);
                    row[0]++;
                },
                false);
        return new OnlineIndex(
                view,
                snapshot,
                clock.instant(),
                keys,
                eventMicros,
                createdMicros,
                columns,
                latest.sourceRows(),
                new OnlineIndex.Holding(latest.held(), latest.keptRows(), List.of(snapshot.version())),
                null);
    }

    /**
     * The index of {@code latest}, a version that only appended {@code added} files to the version {@code previous}
     * was built from: DuckDB reads just those files for the latest row per key among them, and each replaces the
     * previous row of its key if it is later (by event time, then created time, as a full load would decide).
     * Everything else is carried over as it is, so the result equals a full load of {@code latest}.
     *
     * @throws FeatureDuckException naming the view: the files cannot be read, or do not match the definition
     */
    public OnlineIndex extend(OnlineIndex previous, TableSnapshot latest, List<DataFile> added) {
        ViewDefinition view = previous.view();
        if (view.isSnapshot()) {
            throw new IllegalArgumentException("snapshot views take every row's time from the version: rebuild them");
        }
        TableSnapshot appended = latest.withDataFiles(added);
        try (LocalSnapshot local = LocalSnapshot.of(appended, files);
                DuckDbSession session = DuckDbSession.open(settings, readable(view))) {
            ShardScope held = ShardScope.holding(previous.holding().held());
            return merge(LatestRows.compute(session, view, local.snapshot(), appended, held), previous, latest);
        } catch (SQLException e) {
            throw FeatureDuckException.inView(
                    view.name(),
                    new FeatureDuckException(
                            ErrorCode.TABLE_UNAVAILABLE,
                            "appending " + added.size() + " files of table " + latest.location() + " version "
                                    + latest.version() + " failed: " + e.getMessage(),
                            e));
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(view.name(), e);
        }
    }

    private OnlineIndex merge(LatestRows appended, OnlineIndex previous, TableSnapshot latest) throws SQLException {
        ViewDefinition view = previous.view();
        List<EntitySpec> entities = view.entities();
        int keyCount = entities.size();
        boolean created = hasCreatedTime(view);
        // First pass: where each appended row goes (its key's row, a new row, or nowhere when the old row is later).
        List<Integer> targets = new ArrayList<>();
        List<Object> newKeys = new ArrayList<>();
        int[] next = {previous.size()};
        appended.read(
                rs -> {
                    Object key = readKey(rs, entities);
                    int row = previous.rowOf(key);
                    if (row == EntityKeyIndex.ABSENT) {
                        newKeys.add(key);
                        targets.add(next[0]++);
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
                },
                true);
        int rows = next[0];
        EntityKeyIndex keys = previous.keyIndex().copy(rows);
        for (int i = 0; i < newKeys.size(); i++) {
            keys.put(newKeys.get(i), previous.size() + i);
        }
        long[] eventMicros = Arrays.copyOf(previous.eventMicros(), rows);
        long[] createdMicros = created ? Arrays.copyOf(previous.createdMicros(), rows) : null;
        FeatureColumn[] columns = new FeatureColumn[view.features().size()];
        for (int f = 0; f < columns.length; f++) {
            columns[f] = FeatureColumn.create(view.features().get(f).type(), rows);
            columns[f].copyFrom(previous.column(f), previous.size());
        }
        // Second pass: the winning rows' values.
        int[] appendedRow = {0};
        appended.read(
                rs -> {
                    int row = targets.get(appendedRow[0]++);
                    if (row >= 0) {
                        readRow(rs, view, row, eventMicros, createdMicros, columns);
                    }
                },
                true);
        return new OnlineIndex(
                view,
                latest,
                clock.instant(),
                keys,
                eventMicros,
                createdMicros,
                columns,
                previous.sourceRows() + appended.sourceRows(),
                new OnlineIndex.Holding(
                        previous.holding().held(),
                        previous.holding().keptRows() + appended.keptRows(),
                        List.of(latest.version())),
                null);
    }

    /** Reads event time, created time (when kept) and features of the current result-set row into {@code row}. */
    private static void readRow(
            ResultSet rs,
            ViewDefinition view,
            int row,
            long[] eventMicros,
            long[] createdMicros,
            FeatureColumn[] columns)
            throws SQLException {
        int keyCount = view.entities().size();
        eventMicros[row] = rs.getLong(LatestRows.KEYS_START + keyCount);
        int next = LatestRows.KEYS_START + keyCount + 1;
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
            return EntityKeys.read(rs, LatestRows.KEYS_START, entities.get(0).type());
        }
        List<Object> parts = new ArrayList<>(entities.size());
        for (int i = 0; i < entities.size(); i++) {
            parts.add(EntityKeys.read(
                    rs, LatestRows.KEYS_START + i, entities.get(i).type()));
        }
        return List.copyOf(parts);
    }
}
