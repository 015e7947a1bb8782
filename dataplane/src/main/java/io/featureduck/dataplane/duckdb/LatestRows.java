package io.featureduck.dataplane.duckdb;

import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.slots.ShardLayout;
import io.featureduck.dataplane.slots.ShardScope;
import io.featureduck.dataplane.source.TableSnapshot;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The latest row per entity of a view over one table version, computed by DuckDB in the form the online index stores:
 * greatest event time, ties broken by the greatest created time (a missing one losing); snapshot views take the
 * version's commit time as every row's event time. Rows without a key or an event time cannot be looked up or
 * ordered and are skipped.
 *
 * <p>Each row read back holds, in this order: the keys ({@link #KEYS_START}, one column per entity, canonical form),
 * the event time in epoch microseconds, the created time in epoch microseconds when the view has one (null when the
 * row has none), one column per feature in definition order, and for a view with aggregations the time of the key's
 * first event in epoch microseconds.
 */
public final class LatestRows {
    /** The result-set column of the first key. */
    public static final int KEYS_START = 1;

    private static final String SOURCE = "source";
    private static final String LATEST = "latest";
    private static final String OWNED = "owned";
    private static final String FIRST = "__fd_first";

    private final DuckDbSession session;
    private final long sourceRows;
    private final long keptRows;
    private final Optional<ShardLayout> held;
    private final int rows;
    private final ViewProjection projection;
    private final String relation;

    private LatestRows(
            DuckDbSession session,
            ViewProjection projection,
            String relation,
            long sourceRows,
            long keptRows,
            Optional<ShardLayout> held,
            int rows) {
        this.session = session;
        this.projection = projection;
        this.relation = relation;
        this.sourceRows = sourceRows;
        this.keptRows = keptRows;
        this.held = held;
        this.rows = rows;
    }

    /** Receives each row of the result in turn. */
    public interface RowReader {
        void row(ResultSet rs) throws SQLException;
    }

    /**
     * Registers {@code local} (the version with local file paths) in {@code session}, checks {@code view} against it
     * and computes the latest rows of every key; {@code version} is the same version as the table names it, for
     * messages.
     */
    public static LatestRows compute(
            DuckDbSession session, ViewDefinition view, TableSnapshot local, TableSnapshot version)
            throws SQLException {
        return compute(session, view, local, version, ShardScope.WHOLE);
    }

    /**
     * As {@link #compute(DuckDbSession, ViewDefinition, TableSnapshot, TableSnapshot)}, keeping only the keys of the
     * slots {@code scope} keeps of a table this size: those rows are chosen before the latest row per key is, so the
     * rest of the table costs a read and a hash per row. The chosen rows are a view, not a copy: counting them reads
     * only the key columns, and no shard ever holds another shard's rows in DuckDB's memory.
     */
    public static LatestRows compute(
            DuckDbSession session, ViewDefinition view, TableSnapshot local, TableSnapshot version, ShardScope scope)
            throws SQLException {
        new SnapshotRelation(local).register(session, SOURCE);
        ViewProjection projection = ViewProjection.check(view, version, session, SOURCE);
        if (view.isSnapshot()) {
            projection.requireUniqueKeys(session, SOURCE, version);
        }
        long sourceRows = count(session, SOURCE);
        Optional<ShardLayout> held = scope.keep(sourceRows);
        String relation = SOURCE;
        long keptRows = sourceRows;
        if (held.isPresent()) {
            session.execute("CREATE TEMP VIEW " + OWNED + " AS SELECT * FROM " + SOURCE + " WHERE "
                    + SlotFilter.predicate(session, view, held.get()));
            relation = OWNED;
            keptRows = count(session, OWNED);
        }
        session.execute("CREATE TEMP TABLE " + LATEST + " AS " + sql(projection, version, relation));
        return new LatestRows(
                session, projection, relation, sourceRows, keptRows, held, Math.toIntExact(count(session, LATEST)));
    }

    private static String sql(ViewProjection projection, TableSnapshot version, String relation) {
        ViewDefinition view = projection.view();
        List<String> select = new ArrayList<>(projection.keyProjections());
        if (view.isSnapshot()) {
            select.add("epoch_us(" + Sql.literal(version.commitTime(), "TIMESTAMPTZ") + ") AS event_us");
            select.addAll(projection.featureProjections());
            return "SELECT " + String.join(", ", select) + " FROM " + relation + " WHERE " + projection.keysPresent();
        }
        select.add("epoch_us(" + projection.eventTime() + ") AS event_us");
        projection.createdTime().ifPresent(c -> select.add("epoch_us(" + c + ") AS created_us"));
        select.addAll(projection.featureProjections());
        String partition = "PARTITION BY " + String.join(", ", projection.keyColumns());
        // Aggregations need each entity's first event: before it, the entity has no window at all.
        boolean first = !view.aggregations().isEmpty();
        if (first) {
            select.add("epoch_us(" + FIRST + ") AS first_us");
        }
        String order = projection.eventTime() + " DESC"
                + projection
                        .createdTime()
                        .map(c -> ", " + c + " DESC NULLS LAST")
                        .orElse("");
        return "SELECT " + String.join(", ", select) + " FROM (SELECT *"
                + (first ? ", min(" + projection.eventTime() + ") OVER (" + partition + ") AS " + FIRST : "")
                + " FROM " + relation + " WHERE " + projection.isEvent() + " QUALIFY row_number() OVER ("
                + partition + " ORDER BY " + order + ") = 1)";
    }

    private static long count(DuckDbSession session, String relation) throws SQLException {
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + relation)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows in the table version read. */
    public long sourceRows() {
        return sourceRows;
    }

    /** Rows of the version in the slots kept: {@link #sourceRows()} when the whole table is kept. */
    public long keptRows() {
        return keptRows;
    }

    /** The shard whose slots were kept; empty when every row was. */
    public Optional<ShardLayout> held() {
        return held;
    }

    /** Latest rows: one per entity. */
    public int rows() {
        return rows;
    }

    /**
     * Hands every latest row to {@code reader}; with {@code stableOrder}, in the same order on every call (for
     * readers that pass over the rows more than once), which costs a sort.
     */
    public void read(RowReader reader, boolean stableOrder) throws SQLException {
        try (Statement statement = session.connection().createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT * FROM " + LATEST + (stableOrder ? " ORDER BY rowid" : ""))) {
            while (rs.next()) {
                reader.row(rs);
            }
        }
    }

    /** The result-set column of a key's first event time, for a view with aggregations. */
    public int firstEventColumn() {
        ViewDefinition view = projection.view();
        return KEYS_START
                + view.entities().size()
                + 1
                + (projection.createdTime().isPresent() ? 1 : 0)
                + view.features().size();
    }

    /** How many events {@link #readEvents} hands over. */
    public long countEvents(long afterMicros) throws SQLException {
        return count(session, relation + " WHERE " + events(afterMicros));
    }

    /** The rows {@link #readEvents} and {@link #countEvents} read: events after {@code afterMicros}. */
    private String events(long afterMicros) {
        return projection.isEvent() + " AND epoch_us(" + projection.eventTime() + ") > " + afterMicros;
    }

    /**
     * Hands every event the view's aggregations count to {@code reader}: each row of the kept table with a key and an
     * event time after {@code afterMicros}, grouped by key and in event-time order within a key. Each row holds the
     * keys ({@link #KEYS_START}, canonical form), the event time in epoch microseconds, then one column per
     * {@code ViewAggregations#inputs()} in the form the online index stores.
     */
    public void readEvents(long afterMicros, RowReader reader) throws SQLException {
        ViewDefinition view = projection.view();
        List<String> select = new ArrayList<>(projection.keyProjections());
        select.add("epoch_us(" + projection.eventTime() + ") AS event_us");
        List<ViewAggregations.Input> inputs = view.aggregations().inputs();
        for (int i = 0; i < inputs.size(); i++) {
            select.add(projection.aggregationInput(inputs.get(i)) + " AS a" + i);
        }
        List<String> order = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            order.add("k" + k);
        }
        order.add("event_us");
        String sql = "SELECT " + String.join(", ", select) + " FROM " + relation + " WHERE " + events(afterMicros)
                + " ORDER BY " + String.join(", ", order);
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                reader.row(rs);
            }
        }
    }
}
