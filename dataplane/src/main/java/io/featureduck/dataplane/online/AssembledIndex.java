package io.featureduck.dataplane.online;

import io.featureduck.crds.EntitySpec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An index of just the rows one request needs, assembled from this shard's index and the rows other shards sent:
 * a sharded store answers a request through the same lookup as an unsharded one, from an index that holds every
 * key the request names. Rows whose shard could not be asked are held as {@link LookupStatus#UNAVAILABLE}. Built
 * and used on one thread, for one request.
 */
public final class AssembledIndex {
    private final OnlineIndex local;
    private final EntityKeyIndex keys;
    private final long[] eventMicros;
    private final FeatureColumn[] columns;
    private final BitSet unavailable = new BitSet();
    private final TreeSet<Long> versions = new TreeSet<>();
    /** Events of the rows held, for a view with aggregations, in the order they were added. */
    private final List<Events> events = new ArrayList<>();

    private int rows;

    /** Events {@code from..from+count-1} of {@code times} and {@code inputs}, which are row {@code row}'s. */
    private record Events(int row, long first, long[] times, FeatureColumn[] inputs, int from, int count) {}

    /** @param capacity the most keys the request names */
    public AssembledIndex(OnlineIndex local, int capacity) {
        this.local = local;
        List<EntitySpec> entities = local.view().entities();
        this.keys = EntityKeyIndex.create(
                entities.size() == 1 && EntityKeys.isLong(entities.get(0).type()), Math.max(1, capacity));
        this.eventMicros = new long[capacity];
        this.columns = new FeatureColumn[local.view().features().size()];
        for (int f = 0; f < columns.length; f++) {
            columns[f] = FeatureColumn.create(local.view().features().get(f).type(), capacity);
        }
    }

    /**
     * Copies this shard's row of {@code key}, if it has one, with the features {@code needed} marks and, when
     * {@code events}, its events.
     */
    public void copyLocal(Object key, boolean[] needed, boolean events) {
        int from = local.rowOf(key);
        if (from == EntityKeyIndex.ABSENT || keys.rowOf(key) != EntityKeyIndex.ABSENT) {
            return;
        }
        int row = newRow(key);
        eventMicros[row] = local.eventMicros(from);
        for (int f = 0; f < columns.length; f++) {
            if (needed[f]) {
                columns[f].copyRow(local.column(f), from, row);
            }
        }
        if (events) {
            local.events()
                    .ifPresent(log -> this.events.add(new Events(
                            row, log.firstMicros(from), log.times(), log.inputs(), log.start(from), log.count(from))));
        }
    }

    /**
     * Another shard's events of row {@code row} (as {@link #add} returned it): {@code count} events from
     * {@code from} of {@code times} and {@code inputs}, in time order, and the time of the entity's first event.
     */
    public void addEvents(int row, long firstMicros, long[] times, FeatureColumn[] inputs, int from, int count) {
        events.add(new Events(row, firstMicros, times, inputs, from, count));
    }

    /**
     * A row another shard sent: returns its row, whose values the caller then stores through {@link #column}; -1 when
     * the key is held already (a key the request names twice).
     */
    public int add(Object key, long eventTime) {
        if (keys.rowOf(key) != EntityKeyIndex.ABSENT) {
            return -1;
        }
        int row = newRow(key);
        eventMicros[row] = eventTime;
        return row;
    }

    /** The column of feature position {@code feature}, to store another shard's values in. */
    public FeatureColumn column(int feature) {
        return columns[feature];
    }

    /** A key whose shard could not be asked. */
    public void unavailable(Object key) {
        if (keys.rowOf(key) == EntityKeyIndex.ABSENT) {
            unavailable.set(newRow(key));
        }
    }

    /** A table version another shard answered from. */
    public void version(long version) {
        versions.add(version);
    }

    private int newRow(Object key) {
        int row = rows++;
        keys.put(key, row);
        for (FeatureColumn column : columns) {
            column.putNull(row);
        }
        return row;
    }

    public OnlineIndex build() {
        versions.add(local.tableVersion());
        EventLog log = local.events().map(this::buildEvents).orElse(null);
        return new OnlineIndex(
                local.view(),
                local.snapshot(),
                local.loadedAt(),
                keys,
                eventMicros,
                null,
                columns,
                local.sourceRows(),
                new OnlineIndex.Holding(Optional.empty(), local.holding().keptRows(), List.copyOf(versions)),
                unavailable.isEmpty() ? null : unavailable,
                log);
    }

    /** The events gathered, one entity after another; an entity without any has no window. */
    private EventLog buildEvents(EventLog localLog) {
        int total = events.stream().mapToInt(Events::count).sum();
        int[] start = new int[rows];
        int[] count = new int[rows];
        long[] first = new long[rows];
        java.util.Arrays.fill(first, Long.MAX_VALUE);
        long[] times = new long[total];
        List<io.featureduck.dataplane.config.ViewAggregations.Input> types =
                local.view().aggregations().inputs();
        FeatureColumn[] inputs = new FeatureColumn[types.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = FeatureColumn.create(types.get(i).type(), total);
        }
        int at = 0;
        for (Events piece : events) {
            start[piece.row()] = at;
            count[piece.row()] = piece.count();
            first[piece.row()] = piece.first();
            System.arraycopy(piece.times(), piece.from(), times, at, piece.count());
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].copyRows(piece.inputs()[i], piece.from(), at, piece.count());
            }
            at += piece.count();
        }
        return new EventLog(start, count, times, inputs, localLog.afterMicros(), first);
    }
}
