package io.featureduck.dataplane.historical;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import io.featureduck.dataplane.duckdb.ViewProjection;
import io.featureduck.dataplane.online.EntityKeys;
import io.featureduck.dataplane.serving.TableSourceFactory;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceException;
import io.featureduck.dataplane.source.SqlIdentifiers;
import io.featureduck.dataplane.storage.DataFileCache;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Instant;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.featureduck.dataplane.source.SqlIdentifiers.quote;

/**
 * Point-in-time correct training data: for every entity row, each requested feature as of the row's
 * {@code event_timestamp}, taken from the latest source row at or before that time (ties: latest created time) and
 * absent when that row is older than the view's TTL. DuckDB does the work with one ASOF join per view, over the same
 * {@link ViewProjection} the online index is built from, so online and historical values cannot be computed
 * differently. Entity rows keep their order, duplicates and extra columns.
 */
public final class HistoricalRetrieval {
    private static final Logger LOG = LoggerFactory.getLogger(HistoricalRetrieval.class);
    private static final String ENTITY_ROWS = "entity_rows";
    private static final String ROW = "__fd_row";
    private static final String TIME = "__fd_ts";
    private static final ExecutorService METADATA = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "table-metadata");
        thread.setDaemon(true);
        return thread;
    });

    private final Supplier<ServingConfig> config;
    private final TableSourceFactory sources;
    private final DuckDbSettings settings;
    private final DataFileCache files;

    /** Retrieval over tables on local disk. */
    public HistoricalRetrieval(ServingConfig config, TableSourceFactory sources, DuckDbSettings settings) {
        this(() -> config, sources, settings, DataFileCache.localOnly());
    }

    /**
     * Answers from whatever configuration {@code config} holds at each request, so reloaded views are used;
     * object-store files are read through local copies in {@code files}.
     */
    public HistoricalRetrieval(Supplier<ServingConfig> config, TableSourceFactory sources, DuckDbSettings settings,
                               DataFileCache files) {
        this.config = config;
        this.sources = sources;
        this.settings = settings;
        this.files = files;
    }

    /** Receives the result while it streams out of DuckDB. */
    public interface ResultConsumer {
        void accept(ResultSet rows) throws Exception;
    }

    /**
     * Runs the join and hands the open result to {@code consumer}, rows in entity-row order.
     *
     * @throws HistoricalRequestException for requests that name unknown views or features, or lack columns
     */
    public void retrieve(EntityRows entityRows, List<FeatureRef> refs, boolean fullNames, ResultConsumer consumer) {
        run(entityRows, refs, fullNames, List.of(), (session, sql) -> {
            try (Statement statement = session.connection().createStatement();
                 ResultSet rs = statement.executeQuery(sql)) {
                consumer.accept(rs);
            }
        });
    }

    /**
     * Writes the result to {@code out} in {@code format} without holding it in memory: DuckDB streams it to disk.
     * {@code running} receives the statement so that a caller can cancel it, as when an HTTP client goes away.
     */
    public void export(EntityRows entityRows, List<FeatureRef> refs, boolean fullNames, OutputFormat format, Path out,
                       Consumer<Statement> running) {
        run(entityRows, refs, fullNames, List.of(out.toAbsolutePath().getParent()), (session, sql) -> {
            String query = format == OutputFormat.PARQUET || format == OutputFormat.CSV ? sql : isoTimes(session, sql);
            try (Statement statement = session.connection().createStatement()) {
                running.accept(statement);
                statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.stringLiteral(out.toString()) + " ("
                        + format.copyOptions() + ")");
            }
        });
    }

    private interface Execution {
        void run(DuckDbSession session, String sql) throws Exception;
    }

    private void run(EntityRows entityRows, List<FeatureRef> refs, boolean fullNames, List<Path> writable,
                     Execution execution) {
        Map<ViewDefinition, List<FeatureSpec>> features = resolve(refs, fullNames);
        // Table metadata is read while DuckDB starts and reads the entity rows: both take about a second when cold.
        Map<ViewDefinition, CompletableFuture<TableSnapshot>> latest = new HashMap<>();
        for (ViewDefinition view : features.keySet()) {
            if (!view.isSnapshot()) {
                latest.put(view, CompletableFuture.supplyAsync(() -> sources.forView(view).latestSnapshot(), METADATA));
            }
        }
        List<Path> readable = new ArrayList<>();
        readable.add(entityRows.file().getParent());
        readable.addAll(writable);
        features.keySet().forEach(v -> readable.addAll(v.location().readableRoots()));
        readable.add(files.directory());
        long start = System.nanoTime();
        try (DuckDbSession session = DuckDbSession.open(settings, readable)) {
            loadEntityRows(session, entityRows, features.keySet());
            long planned = System.nanoTime();
            String sql = querySql(session, features, latest, fullNames);
            long prepared = System.nanoTime();
            LOG.debug("historical query: {}", sql);
            execution.run(session, sql);
            LOG.debug("historical retrieval: {} ms to open DuckDB and read entity rows, {} ms to prepare views, "
                            + "{} ms to run", (planned - start) / 1_000_000, (prepared - planned) / 1_000_000,
                    (System.nanoTime() - prepared) / 1_000_000);
        } catch (HistoricalRequestException | TableSourceException | ViewProjection.ViewDefinitionMismatch e) {
            throw e;
        } catch (SQLException e) {
            throw new IllegalStateException("historical retrieval failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("historical retrieval failed: " + e.getMessage(), e);
        }
    }

    private String querySql(DuckDbSession session, Map<ViewDefinition, List<FeatureSpec>> features,
                            Map<ViewDefinition, CompletableFuture<TableSnapshot>> latest, boolean fullNames)
            throws SQLException {
        StringBuilder select = new StringBuilder("SELECT e.* EXCLUDE (" + ROW + ", " + TIME + ")");
        StringBuilder joins = new StringBuilder();
        int i = 0;
        for (Map.Entry<ViewDefinition, List<FeatureSpec>> entry : features.entrySet()) {
            ViewDefinition view = entry.getKey();
            String alias = "h" + i;
            // Event-time views join their history by event time; snapshot views first find the table version
            // current at each entity row's time, then the key within that version.
            String eventTime = view.isSnapshot() ? alias + "v.commit_ts" : alias + ".__ts";
            for (int f = 0; f < entry.getValue().size(); f++) {
                FeatureSpec feature = entry.getValue().get(f);
                String value = alias + ".f" + f;
                // Without a TTL the outer join's null already means "no value"; with one, old values are dropped.
                String served = view.ttl().map(ttl -> "CASE WHEN " + eventTime + " >= e." + TIME
                        + " - to_microseconds(" + ttl.toNanos() / 1000 + "::BIGINT) THEN " + value + " END")
                        .orElse(value);
                select.append(", ").append(served).append(" AS ")
                        .append(quote(new FeatureRef(view.name(), feature.name()).outputName(fullNames)));
            }
            if (view.isSnapshot()) {
                prepareVersionedHistory(session, view, entry.getValue(), alias);
                joins.append(" ASOF LEFT JOIN versions_").append(alias).append(" AS ").append(alias).append("v ON e.")
                        .append(TIME).append(" >= ").append(alias).append("v.commit_ts");
                joins.append(" LEFT JOIN history_").append(alias).append(" AS ").append(alias).append(" ON ")
                        .append(alias).append(".__version = ").append(alias).append("v.version");
            } else {
                TableSnapshot snapshot;
                try {
                    snapshot = latest.get(view).join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : e;
                }
                joins.append(" ASOF LEFT JOIN ").append(prepareHistory(session, view, snapshot, entry.getValue(), alias))
                        .append(" AS ").append(alias).append(" ON e.").append(TIME).append(" >= ").append(alias)
                        .append(".__ts");
            }
            for (int k = 0; k < view.entities().size(); k++) {
                EntitySpec entity = view.entities().get(k);
                joins.append(" AND ").append(EntityKeys.servingExpression("e." + quote(entity.name()), entity.type()))
                        .append(" = ").append(alias).append(".k").append(k);
            }
            i++;
        }
        return select + " FROM " + ENTITY_ROWS + " AS e" + joins + " ORDER BY e." + ROW;
    }

    /** JSON output writes instants as ISO-8601 in UTC, as the online API does, instead of DuckDB's text form. */
    private static String isoTimes(DuckDbSession session, String sql) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("DESCRIBE " + sql)) {
            while (rs.next()) {
                String name = quote(rs.getString(1));
                String type = rs.getString(2);
                columns.add(type.startsWith("TIMESTAMP")
                        ? "strftime(CAST(" + name + " AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%fZ') AS " + name : name);
            }
        }
        return "SELECT " + String.join(", ", columns) + " FROM (" + sql + ")";
    }

    private Map<ViewDefinition, List<FeatureSpec>> resolve(List<FeatureRef> refs, boolean fullNames) {
        if (refs.isEmpty()) {
            throw new HistoricalRequestException("name at least one feature as view:feature");
        }
        ServingConfig current = config.get();
        Map<ViewDefinition, List<FeatureSpec>> features = new LinkedHashMap<>();
        Set<String> outputs = new HashSet<>();
        for (FeatureRef ref : refs) {
            ViewDefinition view = current.view(ref.view()).orElseThrow(() -> new HistoricalRequestException(
                    "feature view '" + ref.view() + "' is not defined here"));
            FeatureSpec feature = view.feature(ref.feature()).orElseThrow(() -> new HistoricalRequestException(
                    "feature view '" + view.name() + "' has no feature '" + ref.feature() + "'; it has "
                            + view.featureNames()));
            if (!outputs.add(ref.outputName(fullNames))) {
                throw new HistoricalRequestException("two features would both be named '" + ref.outputName(fullNames)
                        + "'; request full feature names");
            }
            features.computeIfAbsent(view, v -> new ArrayList<>()).add(feature);
        }
        return features;
    }

    private void loadEntityRows(DuckDbSession session, EntityRows rows, Set<ViewDefinition> views) throws SQLException {
        try {
            session.execute("CREATE TEMP VIEW " + ENTITY_ROWS + " AS SELECT row_number() OVER () AS " + ROW
                    + ", *, CAST(" + quote(EntityRows.TIMESTAMP_COLUMN) + " AS TIMESTAMPTZ) AS " + TIME + " FROM "
                    + rows.readSql());
        } catch (SQLException e) {
            throw new HistoricalRequestException("entity rows cannot be read (they need join keys and an '"
                    + EntityRows.TIMESTAMP_COLUMN + "' column): " + firstLine(e.getMessage()));
        }
        Set<String> columns = new HashSet<>();
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("DESCRIBE " + ENTITY_ROWS)) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        for (ViewDefinition view : views) {
            for (EntitySpec entity : view.entities()) {
                if (!columns.contains(entity.name())) {
                    throw new HistoricalRequestException("entity rows lack join key '" + entity.name()
                            + "' of feature view '" + view.name() + "'");
                }
            }
        }
    }

    /**
     * The view's history as a temp view: keys, event time and the requested features, one row per key and event
     * time (the latest created time wins a tie), ready for the ASOF join.
     */
    private String prepareHistory(DuckDbSession session, ViewDefinition view, TableSnapshot snapshot,
                                  List<FeatureSpec> features, String alias) throws SQLException {
        String relation = "source_" + alias;
        ViewProjection projection = register(session, view, snapshot, relation);
        List<String> select = new ArrayList<>(projection.keyProjections());
        select.add(projection.eventTime() + " AS __ts");
        for (int f = 0; f < features.size(); f++) {
            select.add(projection.typedFeature(features.get(f)) + " AS f" + f);
        }
        String notNull = String.join(" AND ", projection.keyColumns().stream().map(k -> k + " IS NOT NULL").toList());
        List<String> partition = new ArrayList<>(projection.keyColumns());
        partition.add(projection.eventTime());
        String order = projection.createdTime().map(c -> " ORDER BY " + c + " DESC NULLS LAST").orElse("");
        // A view, not a table: DuckDB plans the dedup and the ASOF join as one pipeline instead of materialising
        // the whole history first.
        String table = "history_" + alias;
        session.execute("CREATE TEMP VIEW " + table + " AS SELECT " + String.join(", ", select) + " FROM "
                + relation + " WHERE " + notNull + " AND " + projection.eventTime() + " IS NOT NULL"
                + " QUALIFY row_number() OVER (PARTITION BY " + String.join(", ", partition) + order + ") = 1");
        return table;
    }

    /**
     * A snapshot view's history: every table version current at some entity row's time, each with its commit time
     * ({@code versions_<alias>}) and its rows ({@code history_<alias>}), read through the format's time travel.
     */
    private void prepareVersionedHistory(DuckDbSession session, ViewDefinition view, List<FeatureSpec> features,
                                         String alias) throws SQLException {
        TableSource source = sources.forView(view);
        Instant first;
        Instant last;
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT epoch_us(min(" + TIME + ")), epoch_us(max(" + TIME
                     + ")) FROM " + ENTITY_ROWS)) {
            rs.next();
            first = EventTime.toInstant(rs.getLong(1));
            last = EventTime.toInstant(rs.getLong(2));
        }
        session.execute("CREATE TEMP TABLE versions_" + alias + " (version BIGINT, commit_ts TIMESTAMPTZ)");
        String history = "history_" + alias;
        OptionalLong to = source.versionAsOf(last);
        if (to.isEmpty()) {
            session.execute("CREATE TEMP TABLE " + history + " AS SELECT NULL::BIGINT AS __version, "
                    + String.join(", ", nullColumns(view, features)) + " WHERE false");
            return;
        }
        long from = source.versionAsOf(first).orElse(0);
        for (long version = from; version <= to.getAsLong(); version++) {
            TableSnapshot snapshot = source.snapshotAt(version);
            String relation = "source_" + alias + "_" + version;
            ViewProjection projection = register(session, view, snapshot, relation);
            projection.requireUniqueKeys(session, relation, snapshot);
            List<String> select = new ArrayList<>();
            select.add(version + "::BIGINT AS __version");
            select.addAll(projection.keyProjections());
            for (int f = 0; f < features.size(); f++) {
                select.add(projection.typedFeature(features.get(f)) + " AS f" + f);
            }
            String rows = "SELECT " + String.join(", ", select) + " FROM " + relation;
            session.execute(version == from ? "CREATE TEMP TABLE " + history + " AS " + rows
                    : "INSERT INTO " + history + " " + rows);
            session.execute("INSERT INTO versions_" + alias + " VALUES (" + version + ", make_timestamp("
                    + EventTime.toMicros(snapshot.commitTime()) + "::BIGINT)::TIMESTAMPTZ)");
        }
    }

    private static List<String> nullColumns(ViewDefinition view, List<FeatureSpec> features) {
        List<String> columns = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            columns.add("NULL AS k" + k);
        }
        for (int f = 0; f < features.size(); f++) {
            columns.add("CAST(NULL AS " + ViewProjection.duckDbType(features.get(f).type()) + ") AS f" + f);
        }
        return columns;
    }

    /** Registers a table version as {@code relation} and checks the view against it. */
    private ViewProjection register(DuckDbSession session, ViewDefinition view, TableSnapshot snapshot,
                                    String relation) {
        DataFileCache.LocalSnapshot local = files.localize(snapshot);
        session.closeWith(local);
        new SnapshotRelation(local.snapshot()).register(session, relation);
        return ViewProjection.check(view, snapshot, session, relation);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
