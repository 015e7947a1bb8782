package io.featureduck.dataplane.duckdb;

import static io.featureduck.dataplane.duckdb.Sql.quote;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.ondemand.OnDemandLimits;
import io.featureduck.dataplane.source.TableSnapshot;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The SQL of a point-in-time join: for every entity row, each requested feature as of the row's
 * {@code event_timestamp}, from the latest source row at or before that time (ties: latest created time), absent when
 * that row is older than the view's TTL. One ASOF join per view, over the same {@link ViewProjection} the online index
 * is built from. Entity rows keep their order, duplicates and extra columns.
 *
 * <p>Built in steps in one session: the entity rows, then each view with the table versions it reads, then the query.
 */
public final class PointInTimeQuery {
    private static final String ENTITY_ROWS = "entity_rows";
    private static final String ROW = "__fd_row";
    private static final String TIME = "__fd_ts";

    private final DuckDbSession session;
    private final boolean fullNames;
    /** The entity rows' own columns, lower-cased, once loaded. */
    private final Set<String> entityColumns = new HashSet<>();

    private final StringBuilder select = new StringBuilder("SELECT e.* EXCLUDE (" + ROW + ", " + TIME + ")");
    private final StringBuilder joins = new StringBuilder();
    /** The entity rows' column types, by lower-cased name, once loaded. */
    private final Map<String, String> entityColumnTypes = new HashMap<>();

    private final OnDemandColumns onDemand;
    private int views;

    /** A table version as the table names it, and the same version with local file paths for DuckDB. */
    public record Version(TableSnapshot version, TableSnapshot local) {}

    /** The earliest and latest time of the entity rows. */
    public record TimeRange(Instant first, Instant last) {}

    /** Receives the result while it streams out of DuckDB. */
    public interface ResultConsumer {
        void accept(ResultSet rows) throws Exception;
    }

    /**
     * Why running the query failed inside an on-demand feature (an entity row that exhausted its evaluation budget),
     * if it did: DuckDB reports only the text of such a failure.
     */
    public Optional<FeatureDuckException> onDemandFailure() {
        return onDemand.failure();
    }

    /** @param limits how much evaluation one entity row's on-demand features may take */
    public PointInTimeQuery(DuckDbSession session, boolean fullNames, OnDemandLimits limits) {
        this.session = session;
        this.fullNames = fullNames;
        this.onDemand = new OnDemandColumns(session, limits);
    }

    /**
     * Reads the entity rows and checks that they hold the join keys of every view in {@code views}.
     *
     * @throws FeatureDuckException {@link ErrorCode#INVALID_ENTITY_ROWS} or {@link ErrorCode#MISSING_JOIN_KEY}
     */
    public void loadEntityRows(EntityRows rows, Collection<ViewDefinition> views) throws SQLException {
        try {
            createEntityRows("", readSql(rows));
        } catch (SQLException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_ENTITY_ROWS,
                    "entity rows cannot be read (they need " + "join keys and an '" + EntityRows.TIMESTAMP_COLUMN
                            + "' column): " + DuckDbSession.firstLine(e.getMessage()));
        }
        Map<String, String> columns = describeEntityRows();
        List<ViewDefinition> keyed = List.copyOf(views);
        for (ViewDefinition view : keyed) {
            for (EntitySpec entity : view.entities()) {
                if (!columns.containsKey(entity.name())) {
                    throw new FeatureDuckException(
                            ErrorCode.MISSING_JOIN_KEY,
                            "entity rows lack join key '" + entity.name() + "' of feature view '" + view.name() + "'");
                }
            }
        }
        checkKeyValues(keyed, columns);
    }

    /**
     * Makes the entity rows those of {@code range} ({@link EventRange}): every key and event time of the event-time
     * views' latest versions {@code latest} in the range, numbered in time order.
     *
     * @throws FeatureDuckException {@link ErrorCode#INVALID_FIELD} when the views do not share their join keys
     */
    public void loadEventRows(EventRange range, List<ViewDefinition> views, Map<ViewDefinition, Version> latest)
            throws SQLException {
        List<EntitySpec> keys = EventRange.sharedKeys(views);
        Map<ViewProjection, String> relations = new LinkedHashMap<>();
        for (Map.Entry<ViewDefinition, Version> entry : latest.entrySet()) {
            String relation = "range_" + relations.size();
            try {
                relations.put(register(entry.getKey(), entry.getValue(), relation), relation);
            } catch (FeatureDuckException e) {
                throw FeatureDuckException.inView(entry.getKey().name(), e);
            }
        }
        createEntityRows(
                EventRange.order(SqlDialect.DUCKDB, keys), "(" + range.rowsSql(SqlDialect.DUCKDB, relations) + ")");
        describeEntityRows();
    }

    /** The entity rows as {@code rows}, numbered in {@code order} (the rows' own order when empty). */
    private void createEntityRows(String order, String rows) throws SQLException {
        session.execute("CREATE TEMP VIEW " + ENTITY_ROWS + " AS SELECT row_number() OVER ("
                + (order.isEmpty() ? "" : "ORDER BY " + order) + ") AS " + ROW
                + ", *, CAST(" + quote(EntityRows.TIMESTAMP_COLUMN) + " AS TIMESTAMPTZ) AS " + TIME + " FROM "
                + rows);
    }

    /** The entity rows' columns and their types, by name; remembers them for the names and request data checks. */
    private Map<String, String> describeEntityRows() throws SQLException {
        Map<String, String> columns = new HashMap<>();
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE " + ENTITY_ROWS)) {
            while (rs.next()) {
                String column = rs.getString(1);
                columns.put(column, rs.getString(2));
                if (!column.equals(ROW) && !column.equals(TIME)) {
                    refuseColumnName(column);
                    entityColumns.add(column.toLowerCase(Locale.ROOT));
                    entityColumnTypes.put(column.toLowerCase(Locale.ROOT), rs.getString(2));
                }
            }
        }
        return columns;
    }

    /**
     * Holds every join key to what the online routes accept, in the order they check: present in every row, of the
     * key's type, and for int32 keys within its range. One scan of the entity rows counts the nulls and out-of-range
     * values of every key column at once (the rows may be millions, read from their file on each scan).
     */
    private void checkKeyValues(List<ViewDefinition> views, Map<String, String> columnTypes) throws SQLException {
        Map<String, Integer> position = new LinkedHashMap<>();
        List<String> counts = new ArrayList<>();
        for (ViewDefinition view : views) {
            for (EntitySpec entity : view.entities()) {
                position.computeIfAbsent(entity.name(), key -> {
                    String column = quote(key);
                    boolean int32 = entity.type() == ValueType.INT32 && isInteger(columnTypes.get(key));
                    counts.add("count(*) FILTER (WHERE " + column + " IS NULL)");
                    counts.add(
                            int32
                                    ? "count(*) FILTER (WHERE " + column + " NOT BETWEEN " + Integer.MIN_VALUE + " AND "
                                            + Integer.MAX_VALUE + ")"
                                    : "0");
                    return counts.size() - 2;
                });
            }
        }
        long[] found = new long[counts.size()];
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", counts) + " FROM " + ENTITY_ROWS)) {
            rs.next();
            for (int i = 0; i < found.length; i++) {
                found[i] = rs.getLong(i + 1);
            }
        }
        for (ViewDefinition view : views) {
            for (EntitySpec entity : view.entities()) {
                int at = position.get(entity.name());
                if (found[at] > 0) {
                    throw new FeatureDuckException(
                            ErrorCode.MISSING_JOIN_KEY,
                            found[at] + " entity rows lack join key '" + entity.name() + "' of feature view '"
                                    + view.name() + "' (null or absent)");
                }
                refuseKeyType(view, entity, columnTypes.get(entity.name()));
                if (found[at + 1] > 0) {
                    throw new FeatureDuckException(
                            ErrorCode.WRONG_KEY_TYPE,
                            "join key '" + entity.name()
                                    + "' of feature view '" + view.name() + "' is int32, but " + found[at + 1]
                                    + " entity rows hold values outside its range");
                }
            }
        }
    }

    /** The integer column types that hold no value beyond a long (what DuckDB infers for JSON and CSV integers). */
    static boolean isInteger(String columnType) {
        return columnType
                .toUpperCase(Locale.ROOT)
                .matches("(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)");
    }

    /**
     * Entity-row columns pass through to the answer under their own names, so a name must be one every reader of
     * the answer can take: not empty, no control characters (DuckDB's parser ends a name at NUL), not one of the
     * names this query uses for itself.
     */
    private static void refuseColumnName(String column) {
        boolean control = column.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        if (column.isBlank() || control || column.toLowerCase(Locale.ROOT).startsWith("__fd_")) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_ENTITY_ROWS,
                    "entity rows have a column named '"
                            + column.replaceAll("\\p{Cntrl}", "?")
                            + "': column names must be non-empty, without control "
                            + "characters, and not start with __fd_");
        }
    }

    /**
     * A join key column must hold what the online routes accept for the key's type, so that a request the online
     * API refuses (a string or a fraction for an integer key, a number for a string key) is refused here too rather
     * than joined through one of DuckDB's implicit casts.
     */
    private static void refuseKeyType(ViewDefinition view, EntitySpec entity, String columnType) {
        String type = columnType.toUpperCase(Locale.ROOT);
        boolean allowed = switch (entity.type()) {
            // Wider types (HUGEINT, UBIGINT) are what DuckDB infers for values beyond a long, which online refuses.
            case INT32, INT64 -> isInteger(type);
            case STRING -> type.equals("VARCHAR");
            case BOOL -> type.equals("BOOLEAN");
            default -> true;
        };
        if (!allowed && !type.equals("NULL")) {
            throw new FeatureDuckException(
                    ErrorCode.WRONG_KEY_TYPE,
                    "join key '" + entity.name() + "' of feature view '"
                            + view.name() + "' is " + entity.type().wireName() + ", but the entity rows hold "
                            + columnType
                            + " values");
        }
    }

    private static String readSql(EntityRows rows) {
        String path = Sql.stringLiteral(rows.file().toString());
        return switch (rows.format()) {
            case NDJSON -> "read_json(" + path + ", format = 'newline_delimited')";
            case CSV -> "read_csv(" + path + ", header = true)";
            case PARQUET -> "read_parquet(" + path + ")";
        };
    }

    public TimeRange timeRange() throws SQLException {
        try (Statement statement = session.connection().createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT min(" + TIME + "), max(" + TIME + ") FROM " + ENTITY_ROWS)) {
            rs.next();
            return new TimeRange(
                    instant(rs.getObject(1, OffsetDateTime.class)), instant(rs.getObject(2, OffsetDateTime.class)));
        } catch (SQLException e) {
            // The first read of the entity rows' times (snapshot views need their range): a time that is no time
            // fails here, and is the caller's mistake.
            throw entityTimeFailure(e);
        }
    }

    /** No entity rows have no times: their range is the epoch, before any table version. */
    private static Instant instant(OffsetDateTime time) {
        return time == null ? Instant.EPOCH : time.toInstant();
    }

    /**
     * Joins an event-time view by event time, from its latest version: its history is one row per key and event
     * time (the latest created time wins a tie).
     */
    public void addEventView(ViewDefinition view, List<String> requested, Version latest) throws SQLException {
        String alias = "h" + views++;
        ViewRequest request = new ViewRequest(view, requested);
        List<FeatureSpec> features = request.storedInputs();
        List<AggregatedFeature> aggregated = request.aggregatedInputs();
        boolean windowsOnly = request.windowsOnly();
        String found = windowsOnly ? alias + ".__first <= epoch_us(e." + TIME + ")" : alias + ".__ts IS NOT NULL";
        selectFeatures(view, requested, features, aggregated, alias, alias + ".__ts", found);
        String relation = "source_" + alias;
        ViewProjection projection = register(view, latest, relation);
        String events = aggregated.isEmpty() ? null : registerEvents(view, projection, relation, alias);
        if (windowsOnly) {
            joinFirstEvents(view, events, alias);
            joinAggregations(view, events, alias, aggregated);
            return;
        }
        List<String> columns = new ArrayList<>(projection.keyProjections());
        columns.add(projection.eventTime() + " AS __ts");
        for (int f = 0; f < features.size(); f++) {
            columns.add(projection.typedFeature(features.get(f)) + " AS f" + f);
        }
        List<String> partition = new ArrayList<>(projection.keyColumns());
        partition.add(projection.eventTime());
        String order = projection
                .createdTime()
                .map(c -> " ORDER BY " + c + " DESC NULLS LAST")
                .orElse("");
        // A view, not a table: DuckDB plans the dedup and the ASOF join as one pipeline instead of materialising
        // the whole history first.
        String history = "history_" + alias;
        session.execute("CREATE TEMP VIEW " + history + " AS SELECT " + String.join(", ", columns) + " FROM " + relation
                + " WHERE " + projection.isEvent() + " QUALIFY row_number() OVER (PARTITION BY "
                + String.join(", ", partition) + order + ") = 1");
        joins.append(" ASOF LEFT JOIN ")
                .append(history)
                .append(" AS ")
                .append(alias)
                .append(" ON e.")
                .append(TIME)
                .append(" >= ")
                .append(alias)
                .append(".__ts");
        joinKeys(view, alias);
        if (!aggregated.isEmpty()) {
            joinAggregations(view, events, alias, aggregated);
        }
    }

    /**
     * Registers the view's events as {@code events_<alias>}: keys ({@code k0...}), event time in microseconds
     * ({@code __us}) and the aggregations' inputs ({@code a0...}) with their declared types; returns its name.
     */
    private String registerEvents(ViewDefinition view, ViewProjection projection, String relation, String alias)
            throws SQLException {
        List<ViewAggregations.Input> inputs = view.aggregations().inputs();
        List<String> columns = new ArrayList<>(projection.keyProjections());
        columns.add("epoch_us(" + projection.eventTime() + ") AS __us");
        for (int i = 0; i < inputs.size(); i++) {
            columns.add(projection.typedAggregationInput(inputs.get(i)) + " AS a" + i);
        }
        String events = "events_" + alias;
        session.execute("CREATE TEMP VIEW " + events + " AS SELECT " + String.join(", ", columns) + " FROM " + relation
                + " WHERE " + projection.isEvent());
        return events;
    }

    /** Joins each key's first event time ({@code __first}, in microseconds): before it, the entity has no window. */
    private void joinFirstEvents(ViewDefinition view, String events, String alias) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            keys.add("k" + k);
        }
        joins.append(" LEFT JOIN (SELECT ")
                .append(String.join(", ", keys))
                .append(", min(__us) AS __first FROM ")
                .append(events)
                .append(" GROUP BY ALL) AS ")
                .append(alias)
                .append(" ON true");
        joinKeys(view, alias);
    }

    /**
     * Joins the aggregated features a view's part of the answer reads, each over the events of its window ending at
     * the entity row's time: {@code (time - window, time]}, the rule the online index applies at the request time
     * ({@code online/WindowAggregator}). One pass over the events joined to each entity row by key and time, every
     * window a FILTER of it.
     */
    private void joinAggregations(
            ViewDefinition view, String events, String alias, List<AggregatedFeature> aggregated) {
        String end = "epoch_us(r." + TIME + ")";
        boolean lifetime = aggregated.stream().anyMatch(f -> f.window().isLifetime());
        long longest =
                aggregated.stream().mapToLong(f -> f.window().micros()).max().orElseThrow();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < aggregated.size(); i++) {
            values.add(WindowSql.aggregate(SqlDialect.DUCKDB, view, aggregated.get(i), end) + " AS g" + i);
        }
        StringBuilder on = new StringBuilder("v.__us <= " + end);
        if (!lifetime) {
            on.append(" AND v.__us > ").append(end).append(" - ").append(longest);
        }
        on.append(keysEqual(view, "r", "v"));
        joins.append(" LEFT JOIN (SELECT r.")
                .append(ROW)
                .append(" AS __row, ")
                .append(String.join(", ", values))
                .append(" FROM ")
                .append(ENTITY_ROWS)
                .append(" AS r JOIN ")
                .append(events)
                .append(" AS v ON ")
                .append(on)
                .append(" GROUP BY r.")
                .append(ROW)
                .append(") AS ")
                .append(alias)
                .append("a ON ")
                .append(alias)
                .append("a.__row = e.")
                .append(ROW);
    }

    /**
     * Joins a snapshot view: first the table version current at each entity row's time, then the key within that
     * version. {@code versions} are every version current at some entity row's time, oldest first; empty when the
     * table did not exist yet.
     */
    public void addSnapshotView(ViewDefinition view, List<String> requested, List<Version> versions)
            throws SQLException {
        String alias = "h" + views++;
        List<FeatureSpec> features = new ViewRequest(view, requested).storedInputs();
        selectFeatures(
                view, requested, features, List.of(), alias, alias + "v.commit_ts", alias + ".__version IS NOT NULL");
        session.execute("CREATE TEMP TABLE versions_" + alias + " (version BIGINT, commit_ts TIMESTAMPTZ)");
        String history = "history_" + alias;
        if (versions.isEmpty()) {
            session.execute("CREATE TEMP TABLE " + history + " AS SELECT NULL::BIGINT AS __version, "
                    + String.join(", ", nullColumns(view, features)) + " WHERE false");
        }
        boolean first = true;
        for (Version entry : versions) {
            TableSnapshot snapshot = entry.version();
            long version = snapshot.version();
            String relation = "source_" + alias + "_" + version;
            ViewProjection projection = register(view, entry, relation);
            projection.requireUniqueKeys(session, relation, snapshot);
            List<String> columns = new ArrayList<>();
            columns.add(version + "::BIGINT AS __version");
            columns.addAll(projection.keyProjections());
            for (int f = 0; f < features.size(); f++) {
                columns.add(projection.typedFeature(features.get(f)) + " AS f" + f);
            }
            String rows = "SELECT " + String.join(", ", columns) + " FROM " + relation;
            session.execute(
                    first ? "CREATE TEMP TABLE " + history + " AS " + rows : "INSERT INTO " + history + " " + rows);
            first = false;
            session.execute("INSERT INTO versions_" + alias + " VALUES (" + version + ", "
                    + Sql.literal(snapshot.commitTime(), "TIMESTAMPTZ") + ")");
        }
        joins.append(" ASOF LEFT JOIN versions_")
                .append(alias)
                .append(" AS ")
                .append(alias)
                .append("v ON e.")
                .append(TIME)
                .append(" >= ")
                .append(alias)
                .append("v.commit_ts");
        joins.append(" LEFT JOIN ")
                .append(history)
                .append(" AS ")
                .append(alias)
                .append(" ON ")
                .append(alias)
                .append(".__version = ")
                .append(alias)
                .append("v.version");
        joinKeys(view, alias);
    }

    /**
     * Adds the answer's columns for one view, in request order: a stored feature as joined, an on-demand feature
     * computed from the joined row (only where a row was found within the TTL, as online) and the entity row's
     * request data.
     */
    private void selectFeatures(
            ViewDefinition view,
            List<String> requested,
            List<FeatureSpec> features,
            List<AggregatedFeature> aggregated,
            String alias,
            String eventTime,
            String found)
            throws SQLException {
        // Without a TTL the outer join's null already means "no value"; with one, old values are dropped.
        String fresh = view.ttl()
                .map(ttl -> eventTime + " >= e." + TIME + " - to_microseconds(" + ttl.toNanos() / 1000 + "::BIGINT)")
                .orElse(null);
        for (String name : requested) {
            String output = new FeatureRef(view.name(), name).outputName(fullNames);
            // DuckDB names are case-insensitive: an entity column "Conv_Rate" would make "conv_rate" ambiguous.
            if (entityColumns.contains(output.toLowerCase(Locale.ROOT))) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_ENTITY_ROWS,
                        "entity rows have a column named '"
                                + output + "', the name of a requested feature; rename the column or ask for "
                                + "full_feature_names");
            }
            Optional<OnDemandFeature> computed = view.onDemandFeature(name);
            String value;
            if (computed.isEmpty()) {
                value = served(view, alias, features, aggregated, name, fresh, found);
            } else {
                List<OnDemandColumns.Input> stored = new ArrayList<>();
                for (String input : computed.get().features()) {
                    stored.add(new OnDemandColumns.Input(
                            input,
                            served(view, alias, features, aggregated, input, fresh, found),
                            view.feature(input)
                                    .map(FeatureSpec::type)
                                    .orElseGet(() -> view.aggregations()
                                            .feature(input)
                                            .orElseThrow()
                                            .type()),
                            null));
                }
                List<OnDemandColumns.Input> request = new ArrayList<>();
                for (String field : computed.get().requestFields()) {
                    String columnType = entityColumnTypes.get(field.toLowerCase(Locale.ROOT));
                    if (columnType == null) {
                        throw new FeatureDuckException(
                                ErrorCode.MISSING_REQUEST_DATA,
                                "feature '" + view.name() + ":" + name + "' needs request data '" + field
                                        + "': add it to the entity rows as a column");
                    }
                    request.add(new OnDemandColumns.Input(
                            field,
                            "e." + quote(field),
                            view.requestField(field).orElseThrow().type(),
                            columnType));
                }
                // Only where a row was found within the TTL, as online a feature of a missing or expired row has no
                // value, even one computed from request data alone.
                value = "CASE WHEN " + (fresh == null ? found : found + " AND " + fresh) + " THEN "
                        + onDemand.call(computed.get(), stored, request) + " END";
            }
            select.append(", ").append(value).append(" AS ").append(quote(output));
        }
    }

    /**
     * A stored feature's value as answered: the joined value, dropped when older than the TTL. An aggregated feature's
     * value is its window's, whatever the TTL, and none before the entity's first event (as online).
     */
    private static String served(
            ViewDefinition view,
            String alias,
            List<FeatureSpec> features,
            List<AggregatedFeature> aggregated,
            String name,
            String fresh,
            String found) {
        Optional<AggregatedFeature> windowed = view.aggregations().feature(name);
        if (windowed.isPresent()) {
            AggregatedFeature feature = windowed.get();
            return WindowSql.answer(SqlDialect.DUCKDB, feature, alias + "a.g" + aggregated.indexOf(feature), found);
        }
        int position = features.indexOf(
                features.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow());
        String value = alias + ".f" + position;
        return fresh == null ? value : "CASE WHEN " + fresh + " THEN " + value + " END";
    }

    private void joinKeys(ViewDefinition view, String alias) {
        joins.append(keysEqual(view, "e", alias));
    }

    private static String keysEqual(ViewDefinition view, String rows, String alias) {
        return SqlDialect.DUCKDB.keysEqual(view.entities(), rows, alias);
    }

    private static List<String> nullColumns(ViewDefinition view, List<FeatureSpec> features) {
        List<String> columns = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            columns.add("NULL AS k" + k);
        }
        for (int f = 0; f < features.size(); f++) {
            columns.add("CAST(NULL AS " + DuckDbTypes.of(features.get(f).type()) + ") AS f" + f);
        }
        return columns;
    }

    /** Registers a table version as {@code relation} and checks the view against it. */
    private ViewProjection register(ViewDefinition view, Version version, String relation) {
        new SnapshotRelation(version.local()).register(session, relation);
        return ViewProjection.check(view, version.version(), session, relation);
    }

    /** The whole query, rows in entity-row order. */
    public String sql() {
        return select + " FROM " + ENTITY_ROWS + " AS e" + joins + " ORDER BY e." + ROW;
    }

    /** Runs the query and hands the open result to {@code consumer}. */
    public void stream(ResultConsumer consumer) throws Exception {
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery(sql())) {
            consumer.accept(rs);
        } catch (SQLException e) {
            throw entityTimeFailure(e);
        }
    }

    /**
     * Writes the result to {@code out} in {@code format} without holding it in memory: DuckDB streams it to disk.
     * {@code running} receives the statement so that a caller can cancel it.
     */
    public void export(OutputFormat format, Path out, Consumer<Statement> running) throws SQLException {
        String sql = sql();
        String query = format == OutputFormat.PARQUET || format == OutputFormat.CSV ? sql : isoTimes(sql);
        try (Statement statement = session.connection().createStatement()) {
            running.accept(statement);
            statement.execute(
                    "COPY (" + query + ") TO " + Sql.stringLiteral(out.toString()) + " (" + copyOptions(format) + ")");
        } catch (SQLException e) {
            throw entityTimeFailure(e);
        }
    }

    /**
     * {@code e} as the caller's mistake when it is an entity row's time that is no time: DuckDB casts entity-row
     * times lazily, so such a value fails the query, not the read of the rows. Any other failure is returned as is.
     */
    private static SQLException entityTimeFailure(SQLException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Conversion Error") && message.contains(EntityRows.TIMESTAMP_COLUMN)) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_ENTITY_ROWS,
                    "entity rows hold an '" + EntityRows.TIMESTAMP_COLUMN + "' that is not a time: "
                            + DuckDbSession.firstLine(message));
        }
        return e;
    }

    private static String copyOptions(OutputFormat format) {
        return switch (format) {
            case JSON -> "FORMAT json, ARRAY true";
            case NDJSON -> "FORMAT json";
            case CSV -> "FORMAT csv, HEADER true";
            case PARQUET -> "FORMAT parquet, COMPRESSION zstd";
        };
    }

    /** JSON output writes instants as ISO-8601 in UTC, as the online API does, instead of DuckDB's text form. */
    private String isoTimes(String sql) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE " + sql)) {
            while (rs.next()) {
                String name = quote(rs.getString(1));
                String type = rs.getString(2);
                columns.add(
                        type.startsWith("TIMESTAMP")
                                ? "strftime(CAST(" + name + " AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%fZ') AS " + name
                                : name);
            }
        }
        return "SELECT " + String.join(", ", columns) + " FROM (" + sql + ")";
    }
}
