package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.spark.RetrievalPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The point-in-time join of {@link PointInTimeQuery}, written in Spark SQL for the Spark retrieval job
 * ({@code spark/}), from the same view definitions and the same {@link ViewProjection}. Spark's SQL has no ASOF join,
 * so each event-time view takes one of two forms. With a TTL, the events of a key within the TTL before each row are
 * joined and the latest kept ({@code row_number()}): the TTL bounds that join. Without one, the rows and the events
 * are one stream per key in time order, and each row takes the last event before it ({@code last(..., true)}), which
 * avoids joining every row to every earlier event. Ties, TTL edges, snapshot views, windows and full feature names
 * follow {@code docs/POINT_IN_TIME.md} exactly; the equality tests run both engines on the same tables.
 *
 * <p>On-demand features are refused ({@link ErrorCode#NOT_ON_SPARK}): the job does not evaluate CEL.
 */
public final class SparkPointInTimeQuery {
    private static final SqlDialect SPARK = SqlDialect.SPARK;
    private static final String ROWS = "fd_entities";
    private static final String ROW = "__fd_row";
    private static final String MICROS = "__fd_us";
    /** More versions than this of a snapshot view's table is more time travel than a plan should carry. */
    private static final int MAX_SNAPSHOT_VERSIONS = 256;

    private final boolean fullNames;
    private final List<String> select = new ArrayList<>();
    private final StringBuilder joins = new StringBuilder();
    private final List<RetrievalPlan.TableRead> tables = new ArrayList<>();
    private final Map<ViewProjection, String> eventTables = new LinkedHashMap<>();
    private final Set<String> joinKeys = new LinkedHashSet<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<ViewDefinition> views = new ArrayList<>();
    private int aliases;

    /** A table version as Spark's reader for its format pins it. */
    public record Pin(RetrievalPlan.TableFormat format, String uri, String version) {}

    /** One version of a snapshot view's table, with the pin Spark reads it by. */
    public record PinnedVersion(TableSnapshot snapshot, Pin pin) {}

    public SparkPointInTimeQuery(boolean fullNames) {
        this.fullNames = fullNames;
    }

    /** Joins an event-time view by event time, from its latest version {@code latest}. */
    public void addEventView(ViewDefinition view, List<String> requested, TableSnapshot latest, Pin pin) {
        refuseOnDemand(view, requested);
        views.add(view);
        String alias = "h" + aliases++;
        ViewRequest request = new ViewRequest(view, requested);
        ViewProjection projection = ViewProjection.forSpark(request, latest);
        String source = read(view, pin, "source_" + alias);
        eventTables.put(projection, source);
        List<FeatureSpec> features = request.storedInputs();
        List<AggregatedFeature> aggregated = request.aggregatedInputs();
        String found = null;
        if (!aggregated.isEmpty()) {
            // An aggregated feature has a value once the entity has had an event, whatever the TTL; that is also
            // exactly when the latest-row join finds a row, had the TTL not bounded it.
            found = alias + "f.__first <= e." + MICROS;
            joinFirstEvents(projection, source, alias);
            joinAggregations(projection, source, alias, aggregated);
        }
        if (!request.windowsOnly()) {
            joinLatest(projection, source, alias, features);
        }
        for (String name : requested) {
            Optional<AggregatedFeature> windowed = view.aggregations().feature(name);
            String value = windowed.isPresent()
                    ? WindowSql.answer(SPARK, windowed.get(), alias + "a.g" + aggregated.indexOf(windowed.get()), found)
                    : alias + ".f" + indexOf(features, name);
            answer(view, name, value);
        }
    }

    /**
     * Joins a snapshot view: the version current at each entity row's time, then the key within that version.
     * {@code versions} are the versions any row may need, oldest first; empty when the table did not exist yet.
     */
    public void addSnapshotView(ViewDefinition view, List<String> requested, List<PinnedVersion> versions) {
        refuseOnDemand(view, requested);
        views.add(view);
        if (versions.size() > MAX_SNAPSHOT_VERSIONS) {
            throw FeatureDuckException.ofView(
                    ErrorCode.INVALID_FIELD,
                    view.name(),
                    "is a snapshot view whose table has " + versions.size() + " versions in the time asked for; "
                            + "a Spark plan reads at most " + MAX_SNAPSHOT_VERSIONS + ": narrow the time range");
        }
        String alias = "h" + aliases++;
        ViewRequest request = new ViewRequest(view, requested);
        List<FeatureSpec> features = request.storedInputs();
        if (versions.isEmpty()) {
            for (String name : requested) {
                answer(
                        view,
                        name,
                        "CAST(NULL AS "
                                + SPARK.type(view.feature(name).orElseThrow().type()) + ")");
            }
            return;
        }
        List<String> histories = new ArrayList<>();
        List<String> commits = new ArrayList<>();
        for (PinnedVersion version : versions) {
            long number = version.snapshot().version();
            ViewProjection projection = ViewProjection.forSpark(request, version.snapshot());
            String source = read(view, version.pin(), "source_" + alias + "_" + tables.size());
            List<String> columns = new ArrayList<>();
            columns.add(number + "L AS __version");
            columns.addAll(projection.keyProjections());
            for (int f = 0; f < features.size(); f++) {
                columns.add(projection.typedFeature(features.get(f)) + " AS f" + f);
            }
            histories.add("SELECT " + String.join(", ", columns) + " FROM " + source);
            commits.add(
                    "(" + number + "L, " + SqlDialect.micros(version.snapshot().commitTime()) + "L)");
        }
        keysOf(view);
        joins.append(" LEFT JOIN (SELECT r.")
                .append(ROW)
                .append(" AS __row, max_by(v.version, v.commit_us) AS __version, max(v.commit_us) AS __commit_us FROM ")
                .append(ROWS)
                .append(" r JOIN (VALUES ")
                .append(String.join(", ", commits))
                .append(") AS v(version, commit_us) ON v.commit_us <= r.")
                .append(MICROS)
                .append(" GROUP BY r.")
                .append(ROW)
                .append(") ")
                .append(alias)
                .append("v ON ")
                .append(alias)
                .append("v.__row = e.")
                .append(ROW);
        joins.append(" LEFT JOIN (")
                .append(String.join(" UNION ALL ", histories))
                .append(") ")
                .append(alias)
                .append(" ON ")
                .append(alias)
                .append(".__version = ")
                .append(alias)
                .append("v.__version")
                .append(keysEqual(view, "e", alias));
        // A snapshot view's values are as old as the version's commit: past the TTL, they are dropped.
        String fresh = view.ttl()
                .map(ttl -> alias + "v.__commit_us >= e." + MICROS + " - " + ttl.toNanos() / 1000)
                .orElse(null);
        for (String name : requested) {
            String value = alias + ".f" + indexOf(features, name);
            answer(view, name, fresh == null ? value : "CASE WHEN " + fresh + " THEN " + value + " END");
        }
    }

    /** The plan: entity rows from {@code uri} in {@code format}, the result written to {@code output}. */
    public RetrievalPlan plan(RetrievalPlan.Entities entities, RetrievalPlan.Output output) {
        return new RetrievalPlan(RetrievalPlan.FORMAT, entities, tables, sql(), List.copyOf(joinKeys), outputs, output);
    }

    /**
     * The plan for {@code range}: the entity rows are the events of the event-time views added in it.
     *
     * @throws FeatureDuckException {@link ErrorCode#INVALID_FIELD} when the views do not share their join keys
     */
    public RetrievalPlan plan(EventRange range, RetrievalPlan.Output output) {
        List<EntitySpec> keys = EventRange.sharedKeys(views);
        keys.forEach(key -> joinKeys.add(key.name()));
        return plan(new RetrievalPlan.Entities(null, null, range.rowsSql(SPARK, eventTables)), output);
    }

    /** The query: every entity row in order with its own columns, then each requested feature. */
    String sql() {
        String time = SPARK.instant(SPARK.quote(EntityRows.TIMESTAMP_COLUMN));
        return "WITH " + ROWS + " AS (SELECT *, " + SPARK.epochMicros(time) + " AS " + MICROS + " FROM "
                + RetrievalPlan.ENTITY_ROWS + ") SELECT e.*"
                + (select.isEmpty() ? "" : ", " + String.join(", ", select))
                + " FROM " + ROWS + " e" + joins + " ORDER BY e." + ROW;
    }

    private static void refuseOnDemand(ViewDefinition view, List<String> requested) {
        for (String name : requested) {
            if (view.onDemandFeature(name).isPresent()) {
                throw FeatureDuckException.ofView(
                        ErrorCode.NOT_ON_SPARK,
                        view.name(),
                        "computes '" + name + "' on demand (CEL), which the Spark job does not evaluate; retrieve it "
                                + "on the data plane");
            }
        }
    }

    private String read(ViewDefinition view, Pin pin, String name) {
        tables.add(new RetrievalPlan.TableRead(name, view.name(), pin.format(), pin.uri(), pin.version()));
        return name;
    }

    private void answer(ViewDefinition view, String name, String value) {
        String output = new FeatureRef(view.name(), name).outputName(fullNames);
        outputs.add(output);
        select.add(value + " AS " + SPARK.quote(output));
    }

    /**
     * Joins each entity row's latest event of its key at or before its time as {@code alias}: {@code __us} and the
     * features {@code f0...}, the latest created time winning a tie of event times.
     */
    private void joinLatest(ViewProjection projection, String source, String alias, List<FeatureSpec> features) {
        ViewDefinition view = projection.view();
        keysOf(view);
        List<String> columns = new ArrayList<>(projection.keyProjections());
        columns.add(SPARK.epochMicros(projection.eventTime()) + " AS __us");
        columns.add(projection.createdTime().map(SPARK::epochMicros).orElse("CAST(NULL AS BIGINT)") + " AS __cus");
        List<String> values = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            columns.add(projection.typedFeature(features.get(f)) + " AS f" + f);
            values.add("f" + f);
        }
        String history =
                "(SELECT " + String.join(", ", columns) + " FROM " + source + " WHERE " + projection.isEvent() + ")";
        String joined = view.ttl()
                .map(ttl -> withinTtl(view, history, ttl.toNanos() / 1000, values))
                .orElseGet(() -> lastBefore(view, history, features, values));
        joins.append(" LEFT JOIN (")
                .append(joined)
                .append(") ")
                .append(alias)
                .append(" ON ")
                .append(alias)
                .append(".__row = e.")
                .append(ROW);
    }

    /** With a TTL: the events within it before each row, the latest kept. */
    private static String withinTtl(ViewDefinition view, String history, long ttlMicros, List<String> values) {
        String kept = values.isEmpty()
                ? ""
                : ", " + String.join(", ", values.stream().map(v -> "v." + v).toList());
        return "SELECT * FROM (SELECT r." + ROW + " AS __row, v.__us" + kept
                + ", row_number() OVER (PARTITION BY r." + ROW
                + " ORDER BY v.__us DESC, v.__cus DESC NULLS LAST) AS __rn FROM " + ROWS + " r JOIN " + history
                + " v ON v.__us <= r." + MICROS + " AND v.__us >= r." + MICROS + " - " + ttlMicros
                + keysEqual(view, "r", "v") + ") WHERE __rn = 1";
    }

    /**
     * Without a TTL: rows and events as one stream per key, in time order with the events of a time first (the
     * latest created last), so that each row's last event before it in the stream is its latest row.
     */
    private static String lastBefore(
            ViewDefinition view, String history, List<FeatureSpec> features, List<String> values) {
        List<String> keys = new ArrayList<>();
        List<String> rowKeys = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            EntitySpec entity = view.entities().get(k);
            keys.add("k" + k);
            rowKeys.add(SPARK.key("r." + SPARK.quote(entity.name()), entity.type()) + " AS k" + k);
        }
        List<String> fields = new ArrayList<>();
        List<String> types = new ArrayList<>();
        fields.add("'t', __us");
        types.add("t: BIGINT");
        for (int f = 0; f < features.size(); f++) {
            fields.add("'" + values.get(f) + "', " + values.get(f));
            types.add(values.get(f) + ": " + SPARK.type(features.get(f).type()));
        }
        String struct = "STRUCT<" + String.join(", ", types) + ">";
        List<String> unpacked = new ArrayList<>();
        unpacked.add("__s.t AS __us");
        values.forEach(v -> unpacked.add("__s." + v + " AS " + v));
        return "SELECT __row, " + String.join(", ", unpacked) + " FROM (SELECT __row, __kind, last(__s, true) OVER "
                + "(PARTITION BY " + String.join(", ", keys) + " ORDER BY __us, __kind, __cus NULLS FIRST ROWS "
                + "BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __s FROM (SELECT CAST(NULL AS BIGINT) AS __row, "
                + "0 AS __kind, " + String.join(", ", keys) + ", __us, __cus, named_struct(" + String.join(", ", fields)
                + ") AS __s FROM " + history + " UNION ALL SELECT r." + ROW + ", 1, " + String.join(", ", rowKeys)
                + ", r." + MICROS + ", CAST(NULL AS BIGINT), CAST(NULL AS " + struct + ") FROM " + ROWS
                + " r)) WHERE __kind = 1";
    }

    /** Joins each key's first event time ({@code __first}, microseconds) as {@code <alias>f}. */
    private void joinFirstEvents(ViewProjection projection, String source, String alias) {
        ViewDefinition view = projection.view();
        keysOf(view);
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            keys.add("k" + k);
        }
        joins.append(" LEFT JOIN (SELECT ")
                .append(String.join(", ", keys))
                .append(", min(__us) AS __first FROM ")
                .append(events(projection, source))
                .append(" GROUP BY ")
                .append(String.join(", ", keys))
                .append(") ")
                .append(alias)
                .append("f ON true")
                .append(keysEqual(view, "e", alias + "f"));
    }

    /** The view's events: keys, event time in microseconds ({@code __us}) and the aggregations' inputs. */
    private static String events(ViewProjection projection, String source) {
        List<ViewAggregations.Input> inputs = projection.view().aggregations().inputs();
        List<String> columns = new ArrayList<>(projection.keyProjections());
        columns.add(SPARK.epochMicros(projection.eventTime()) + " AS __us");
        for (int i = 0; i < inputs.size(); i++) {
            columns.add(projection.typedAggregationInput(inputs.get(i)) + " AS a" + i);
        }
        return "(SELECT " + String.join(", ", columns) + " FROM " + source + " WHERE " + projection.isEvent() + ")";
    }

    /** Joins the aggregated features {@code g0...} as {@code <alias>a}, windows ending at each row's time. */
    private void joinAggregations(
            ViewProjection projection, String source, String alias, List<AggregatedFeature> aggregated) {
        ViewDefinition view = projection.view();
        String end = "r." + MICROS;
        boolean lifetime = aggregated.stream().anyMatch(f -> f.window().isLifetime());
        long longest =
                aggregated.stream().mapToLong(f -> f.window().micros()).max().orElseThrow();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < aggregated.size(); i++) {
            values.add(WindowSql.aggregate(SPARK, view, aggregated.get(i), end) + " AS g" + i);
        }
        String on = "v.__us <= " + end + (lifetime ? "" : " AND v.__us > " + end + " - " + longest)
                + keysEqual(view, "r", "v");
        joins.append(" LEFT JOIN (SELECT r.")
                .append(ROW)
                .append(" AS __row, ")
                .append(String.join(", ", values))
                .append(" FROM ")
                .append(ROWS)
                .append(" r JOIN ")
                .append(events(projection, source))
                .append(" v ON ")
                .append(on)
                .append(" GROUP BY r.")
                .append(ROW)
                .append(") ")
                .append(alias)
                .append("a ON ")
                .append(alias)
                .append("a.__row = e.")
                .append(ROW);
    }

    private void keysOf(ViewDefinition view) {
        view.entities().forEach(entity -> joinKeys.add(entity.name()));
    }

    private static String keysEqual(ViewDefinition view, String rows, String alias) {
        return SPARK.keysEqual(view.entities(), rows, alias);
    }

    private static int indexOf(List<FeatureSpec> features, String name) {
        for (int f = 0; f < features.size(); f++) {
            if (features.get(f).name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("feature '" + name + "' is not joined");
    }
}
