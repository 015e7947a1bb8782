package io.featureduck.dataplane.online;

import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.slots.ShardLayout;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.values.FeatureValues;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest value of every feature for every entity of one view, as of one table version, held in memory for point
 * lookups. Immutable once built: a refresh builds a new index and swaps it in whole, so a response never mixes two
 * versions.
 */
public final class OnlineIndex {
    private final ViewDefinition view;
    private final Instant loadedAt;
    private final EntityKeyIndex keys;
    private final long[] eventMicros;
    /** Created times, kept only when the view breaks ties by them, for merging appended rows; else null. */
    private final long[] createdMicros;

    private final FeatureColumn[] columns;
    private final Map<String, Integer> featurePositions;
    private final long ttlMicros;
    private final long sourceRows;
    private final TableSnapshot snapshot;
    private final Holding holding;
    /** Rows whose shard could not be asked (request-scoped indexes only); null when none. */
    private final BitSet unavailable;
    /** The events the view's aggregations count; null when it has none. */
    private final EventLog events;

    /**
     * What an index holds of its table: every key, or those of one shard's slots; and, for an index assembled for
     * one request from several shards' rows, each version they came from.
     *
     * @param held     the shard whose slots are held; empty when every key is
     * @param keptRows rows of the table version in the slots held
     * @param versions the table versions the rows come from, ascending; one unless shards served different ones
     */
    public record Holding(Optional<ShardLayout> held, long keptRows, List<Long> versions) {
        public Holding {
            versions = List.copyOf(versions);
        }
    }

    OnlineIndex(
            ViewDefinition view,
            TableSnapshot snapshot,
            Instant loadedAt,
            EntityKeyIndex keys,
            long[] eventMicros,
            long[] createdMicros,
            FeatureColumn[] columns,
            long sourceRows) {
        this(
                view,
                snapshot,
                loadedAt,
                keys,
                eventMicros,
                createdMicros,
                columns,
                sourceRows,
                new Holding(Optional.empty(), sourceRows, List.of(snapshot.version())),
                null,
                null);
    }

    OnlineIndex(
            ViewDefinition view,
            TableSnapshot snapshot,
            Instant loadedAt,
            EntityKeyIndex keys,
            long[] eventMicros,
            long[] createdMicros,
            FeatureColumn[] columns,
            long sourceRows,
            Holding holding,
            BitSet unavailable,
            EventLog events) {
        if (events == null && !view.aggregations().isEmpty()) {
            throw new IllegalArgumentException("view '" + view.name() + "' aggregates events: an index needs them");
        }
        this.events = events;
        this.holding = holding;
        this.unavailable = unavailable;
        this.view = view;
        this.snapshot = snapshot;
        this.loadedAt = loadedAt;
        this.keys = keys;
        this.eventMicros = eventMicros;
        this.createdMicros = createdMicros;
        this.columns = columns;
        for (FeatureColumn column : columns) {
            column.seal();
        }
        this.sourceRows = sourceRows;
        this.featurePositions = new HashMap<>();
        for (int i = 0; i < view.features().size(); i++) {
            featurePositions.put(view.features().get(i).name(), i);
        }
        this.ttlMicros = view.ttl().map(ttl -> ttl.toNanos() / 1000).orElse(Long.MAX_VALUE);
    }

    public ViewDefinition view() {
        return view;
    }

    /** What of the table this index holds: every key or one shard's, and from which versions. */
    public Holding holding() {
        return holding;
    }

    /** Whether every key of the table is here, so that no other shard need be asked. */
    public boolean holdsEveryKey() {
        return holding.held().isEmpty();
    }

    public long tableVersion() {
        return snapshot.version();
    }

    public Instant tableCommitTime() {
        return snapshot.commitTime();
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** Seconds between the commit of the served table version and {@code nowMillis}: how stale the data may be. */
    public long dataAgeSeconds(long nowMillis) {
        return Math.max(0, (nowMillis - snapshot.commitTime().toEpochMilli()) / 1000);
    }

    /** Rows in the table version the index was built from. */
    public long sourceRows() {
        return sourceRows;
    }

    /** Number of entities held. */
    public int size() {
        return eventMicros.length;
    }

    /** Every key held, in canonical form ({@link EntityKeys}); for checks and tools, not the request path. */
    public List<Object> keys() {
        return keys.keys();
    }

    /** Row of an entity key in canonical form ({@link EntityKeys}), or {@link EntityKeyIndex#ABSENT}. */
    public int rowOf(Object key) {
        return keys.rowOf(key);
    }

    /** {@link #rowOf(Object)} for an integer-typed key, without boxing. */
    public int rowOf(long key) {
        return keys.rowOf(key);
    }

    /** Position of a feature in the view, or -1. */
    public int featurePosition(String feature) {
        Integer position = featurePositions.get(feature);
        return position == null ? -1 : position;
    }

    public FeatureColumn column(int featurePosition) {
        return columns[featurePosition];
    }

    /**
     * The value of feature {@code featurePosition} for {@code row} in the forms of {@code values/FeatureValues};
     * {@code null} when absent. For writers other than a column's own JSON (gRPC answers, on-demand inputs).
     */
    public Object value(int featurePosition, int row) {
        Object value = columns[featurePosition].value(row);
        ValueType type = view.features().get(featurePosition).type();
        // List columns hold the JSON text DuckDB rendered at load (see duckdb/StoredForm).
        return value == null || !type.isList() ? value : FeatureValues.list((String) value, type.elementType());
    }

    public long eventMicros(int row) {
        return eventMicros[row];
    }

    /**
     * A stored feature's value, or an aggregated one's as of {@code endMicros}, by name: what an on-demand feature
     * reads.
     */
    public Object input(String name, int row, long endMicros) {
        int position = featurePosition(name);
        return position >= 0
                ? value(position, row)
                : aggregate(view.aggregations().position(name), row, endMicros);
    }

    /** The events the view's aggregations count; empty when it has none. */
    public Optional<EventLog> events() {
        return Optional.ofNullable(events);
    }

    /**
     * Aggregated feature {@code position} (in {@code ViewAggregations#features()}) for {@code row} at
     * {@code endMicros}; see {@link WindowAggregator}.
     */
    public Object aggregate(int position, int row, long endMicros) {
        ViewAggregations aggregations = view.aggregations();
        return WindowAggregator.value(
                aggregations.features().get(position), aggregations.inputOf(position), events, row, endMicros);
    }

    /** The table version the index was built from, with its files: what a refresh compares the table against. */
    public TableSnapshot snapshot() {
        return snapshot;
    }

    long[] eventMicros() {
        return eventMicros;
    }

    long[] createdMicros() {
        return createdMicros;
    }

    EntityKeyIndex keyIndex() {
        return keys;
    }

    /**
     * The same rows served as table version {@code version}, loaded at {@code loadedAt}: for a version that changed no
     * data file (table properties, say).
     */
    OnlineIndex atVersion(TableSnapshot version, Instant loadedAt) {
        return new OnlineIndex(
                view,
                version,
                loadedAt,
                keys,
                eventMicros,
                createdMicros,
                columns,
                sourceRows,
                new Holding(holding.held(), holding.keptRows(), List.of(version.version())),
                unavailable,
                events);
    }

    /** Whether {@code row}'s shard could not be asked, so that it has no values (request-scoped indexes only). */
    public boolean unavailable(int row) {
        return unavailable != null && unavailable.get(row);
    }

    /**
     * Whether a found row may be served at {@code nowMicros}: a value whose event time is older than now minus the
     * TTL is {@link LookupStatus#OUTSIDE_MAX_AGE}, as in Feast.
     */
    public LookupStatus freshness(int row, long nowMicros) {
        if (unavailable(row)) {
            return LookupStatus.UNAVAILABLE;
        }
        if (ttlMicros != Long.MAX_VALUE && eventMicros[row] < nowMicros - ttlMicros) {
            return LookupStatus.OUTSIDE_MAX_AGE;
        }
        return LookupStatus.PRESENT;
    }

    /**
     * Bytes of the raw values (features, event times and keys as 8-byte values) and of the aggregations' events, the
     * baseline for memory use.
     */
    public long rawValueBytes() {
        long total = 8L * eventMicros.length * (1 + view.entities().size());
        for (FeatureColumn column : columns) {
            total += column.valueBytes();
        }
        return total + (events == null ? 0 : events.bytes());
    }
}
