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
import java.time.Instant;
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
        long[] firstMicros = new long[view.aggregations().isEmpty() ? 0 : rows];
        int firstColumn = firstMicros.length == 0 ? 0 : latest.firstEventColumn();
        latest.read(
                rs -> {
                    keys.put(readKey(rs, entities), row[0]);
                    readRow(rs, view, row[0], eventMicros, createdMicros, columns);
                    if (firstColumn > 0) {
                        firstMicros[row[0]] = rs.getLong(firstColumn);
                    }
                    row[0]++;
                },
                false);
        Instant now = clock.instant();
        return new OnlineIndex(
                view,
                snapshot,
                now,
                keys,
                eventMicros,
                createdMicros,
                columns,
                latest.sourceRows(),
                new OnlineIndex.Holding(latest.held(), latest.keptRows(), List.of(snapshot.version())),
                null,
                events(latest, view, keys::rowOf, rows, heldAfter(view, now), firstMicros));
    }

    /**
     * The events no window reaches from {@code now} on: at or before {@code now} minus the longest window; none when a
     * window is lifetime.
     */
    private static long heldAfter(ViewDefinition view, Instant now) {
        if (view.aggregations().hasLifetime()) {
            return Long.MIN_VALUE;
        }
        return view.aggregations()
                .longestWindow()
                .map(window -> EventTime.toMicros(now) - window.toNanos() / 1000)
                .orElse(Long.MIN_VALUE);
    }

    /** The event log of {@code latest}'s events for an index of {@code rows} rows; null without aggregations. */
    private static EventLog events(
            LatestRows latest,
            ViewDefinition view,
            java.util.function.ToIntFunction<Object> rowOf,
            int rows,
            long after,
            long[] firstMicros)
            throws SQLException {
        if (view.aggregations().isEmpty()) {
            return null;
        }
        List<EntitySpec> entities = view.entities();
        EventLog.Builder log = new EventLog.Builder(
                rows,
                Math.toIntExact(latest.countEvents(after)),
                view.aggregations().inputs(),
                after,
                firstMicros);
        int timeColumn = LatestRows.KEYS_START + entities.size();
        Object[] key = {null};
        int[] row = {EntityKeyIndex.ABSENT};
        latest.readEvents(after, rs -> {
            Object next = readKey(rs, entities);
            // Events come grouped by key: one lookup per entity, not per event.
            if (!next.equals(key[0])) {
                key[0] = next;
                row[0] = rowOf.applyAsInt(next);
            }
            log.add(row[0], rs, timeColumn);
        });
        return log.build();
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
        if (added.isEmpty()) {
            // A version that changed no data (table properties, say): the same rows, served as the new version.
            return previous.atVersion(latest, clock.instant());
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
        List<long[]> firsts = new ArrayList<>();
        boolean aggregated = !view.aggregations().isEmpty();
        int firstColumn = aggregated ? appended.firstEventColumn() : 0;
        int[] next = {previous.size()};
        appended.read(
                rs -> {
                    Object key = readKey(rs, entities);
                    int row = previous.rowOf(key);
                    if (aggregated) {
                        firsts.add(new long[] {row == EntityKeyIndex.ABSENT ? next[0] : row, rs.getLong(firstColumn)});
                    }
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
        Instant now = clock.instant();
        EventLog events = null;
        if (previous.events().isPresent()) {
            EventLog log = previous.events().get();
            // Late events no window of a request after the previous build reaches are dropped on the way in.
            long[] addedFirst = new long[rows];
            java.util.Arrays.fill(addedFirst, Long.MAX_VALUE);
            firsts.forEach(f -> addedFirst[(int) f[0]] = f[1]);
            EventLog added = events(appended, view, keys::rowOf, rows, log.afterMicros(), addedFirst);
            events = log.merge(
                    added, rows, heldAfter(view, now), view.aggregations().inputs());
        }
        return new OnlineIndex(
                view,
                latest,
                now,
                keys,
                eventMicros,
                createdMicros,
                columns,
                previous.sourceRows() + appended.sourceRows(),
                new OnlineIndex.Holding(
                        previous.holding().held(),
                        previous.holding().keptRows() + appended.keptRows(),
                        List.of(latest.version())),
                null,
                events);
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
