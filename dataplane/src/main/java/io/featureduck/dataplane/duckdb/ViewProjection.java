package io.featureduck.dataplane.duckdb;

import static io.featureduck.dataplane.duckdb.Sql.quote;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.ColumnType;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.source.TableSnapshot;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a view's definition reads from a table version: which columns are keys, event time and created time, and the
 * expression of every feature. Online loading and historical retrieval both build their SQL from this one class, so
 * both compute every feature the same way.
 */
public final class ViewProjection {
    private final ViewDefinition view;
    private final SqlDialect dialect;

    private ViewProjection(ViewDefinition view, SqlDialect dialect) {
        this.view = view;
        this.dialect = dialect;
    }

    /**
     * Checks the view against the table version registered in {@code session} as {@code relation}: every named
     * column exists with a usable type and every feature expression is a valid scalar expression.
     *
     * @throws FeatureDuckException ({@link ErrorCode#VIEW_DEFINITION_MISMATCH}) naming the view, the field and the
     *                              table
     */
    public static ViewProjection check(
            ViewDefinition view, TableSnapshot snapshot, DuckDbSession session, String relation) {
        List<String> problems = keyAndTimeProblems(view, snapshot);
        ViewProjection projection = new ViewProjection(view, SqlDialect.DUCKDB);
        for (int i = 0; i < view.features().size(); i++) {
            FeatureSpec feature = view.features().get(i);
            String field = "spec.features[" + i + "]";
            checkSource(
                    new Source(
                            field,
                            field + ".name",
                            feature.hasExpression() ? feature.expression() : null,
                            feature.name(),
                            feature.type(),
                            projection.servedFeature(feature)),
                    snapshot,
                    session,
                    relation,
                    problems);
        }
        // Each column or expression aggregations read is checked once, named by the first aggregation reading it.
        java.util.Set<ViewAggregations.Input> checked = new java.util.HashSet<>();
        List<io.featureduck.crds.AggregationSpec> aggregations =
                view.aggregations().specs();
        for (int i = 0; i < aggregations.size(); i++) {
            Optional<ViewAggregations.Input> input = ViewAggregations.input(aggregations.get(i));
            if (input.isPresent() && checked.add(input.get())) {
                String field = "spec.aggregations[" + i + "]";
                checkSource(
                        new Source(
                                field,
                                field + ".column",
                                input.get().expression(),
                                input.get().column(),
                                input.get().type(),
                                projection.aggregationInput(input.get())),
                        snapshot,
                        session,
                        relation,
                        problems);
            }
        }
        refuse(view, snapshot, problems);
        return projection;
    }

    /**
     * The view's projection in Spark SQL, for the Spark retrieval job, checked against the version's schema for what
     * {@code request} reads: the columns it names exist with usable types. Feature expressions are DuckDB SQL, which
     * Spark does not run, so a request reading one is refused here rather than failing (or computing differently) in
     * the job.
     *
     * @throws FeatureDuckException ({@link ErrorCode#VIEW_DEFINITION_MISMATCH}) naming the view, the field and the
     *                              table, or ({@link ErrorCode#NOT_ON_SPARK}) the expression
     */
    static ViewProjection forSpark(ViewRequest request, TableSnapshot snapshot) {
        ViewDefinition view = request.view();
        List<String> problems = keyAndTimeProblems(view, snapshot);
        for (FeatureSpec feature : request.storedInputs()) {
            if (feature.hasExpression()) {
                throw FeatureDuckException.ofView(
                        ErrorCode.NOT_ON_SPARK,
                        view.name(),
                        "computes feature '" + feature.name() + "' with a DuckDB expression, which the Spark job "
                                + "does not run; retrieve it on the data plane, or compute the column in the table");
            }
            requireColumn(
                    snapshot, feature.name(), "spec.features[" + view.features().indexOf(feature) + "].name", problems);
        }
        for (io.featureduck.crds.AggregatedFeature feature : request.aggregatedInputs()) {
            int input = view.aggregations().inputOf(feature);
            if (input < 0) {
                continue;
            }
            ViewAggregations.Input read = view.aggregations().inputs().get(input);
            if (read.expression() != null) {
                throw FeatureDuckException.ofView(
                        ErrorCode.NOT_ON_SPARK,
                        view.name(),
                        "aggregates a DuckDB expression for '" + feature.name() + "', which the Spark job does not "
                                + "run; retrieve it on the data plane, or compute the column in the table");
            }
            requireColumn(snapshot, read.column(), "spec.aggregations (" + feature.name() + ").column", problems);
        }
        refuse(view, snapshot, problems);
        return new ViewProjection(view, SqlDialect.SPARK);
    }

    private static List<String> keyAndTimeProblems(ViewDefinition view, TableSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < view.entities().size(); i++) {
            EntitySpec entity = view.entities().get(i);
            requireColumn(snapshot, entity.name(), "spec.entities[" + i + "].name", problems);
        }
        if (!view.isSnapshot()) {
            requireTimeColumn(snapshot, view.timestampColumn(), "spec.source.timestampColumn", problems);
        }
        if (view.createdTimestampColumn() != null) {
            requireTimeColumn(snapshot, view.createdTimestampColumn(), "spec.source.createdTimestampColumn", problems);
        }
        return problems;
    }

    private static void refuse(ViewDefinition view, TableSnapshot snapshot, List<String> problems) {
        if (!problems.isEmpty()) {
            throw FeatureDuckException.ofView(
                    ErrorCode.VIEW_DEFINITION_MISMATCH,
                    view.name(),
                    "does not match table " + snapshot.location() + " (version " + snapshot.version() + "):\n  - "
                            + String.join("\n  - ", problems));
        }
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public ViewDefinition view() {
        return view;
    }

    /**
     * A column or an expression a definition reads, and what DuckDB must produce from it.
     *
     * @param field       the definition's field, e.g. {@code spec.features[2]}
     * @param columnField the field that names the column when there is no expression
     * @param expression  the DuckDB expression, or null to read {@code column}
     * @param type        the type the definition declares
     * @param projected   the SQL that produces it
     */
    private record Source(
            String field, String columnField, String expression, String column, ValueType type, String projected) {}

    /** Adds what is wrong with {@code source} against the table registered as {@code relation} to {@code problems}. */
    private static void checkSource(
            Source source, TableSnapshot snapshot, DuckDbSession session, String relation, List<String> problems) {
        if (source.expression() != null) {
            Optional<String> problem = ExpressionValidator.problem(
                    session,
                    source.expression(),
                    snapshot.columns().stream().map(SourceColumn::name).collect(java.util.stream.Collectors.toSet()));
            if (problem.isPresent()) {
                problems.add(source.field() + ".expression: '" + source.expression() + "' " + problem.get());
                return;
            }
        } else if (!requireColumn(snapshot, source.column(), source.columnField(), problems)) {
            return;
        }
        try {
            session.execute("SELECT " + source.projected() + " FROM " + quote(relation) + " LIMIT 0");
        } catch (SQLException e) {
            problems.add(source.field() + (source.expression() != null ? ".expression" : ".type")
                    + ": cannot produce a " + source.type().wireName() + " from the table: "
                    + DuckDbSession.firstLine(e.getMessage()));
        }
    }

    /** What an aggregation reads of each event, in the form the online index stores. */
    public String aggregationInput(ViewAggregations.Input input) {
        return StoredForm.feature(inputExpression(input), input.type());
    }

    /** What an aggregation reads of each event, with its declared type, as historical retrieval aggregates it. */
    public String typedAggregationInput(ViewAggregations.Input input) {
        return dialect.cast(inputExpression(input), input.type());
    }

    private String inputExpression(ViewAggregations.Input input) {
        return input.expression() != null ? input.expression() : dialect.quote(input.column());
    }

    /**
     * A snapshot view's table must hold one row per key (it is kept current by MERGE/UPDATE); a repeated key fails
     * the load rather than serving an arbitrary one of its rows.
     *
     * @throws FeatureDuckException ({@link ErrorCode#VIEW_DEFINITION_MISMATCH}) naming the view, the table version
     *                              and one repeated key
     */
    public void requireUniqueKeys(DuckDbSession session, String relation, TableSnapshot snapshot) throws SQLException {
        String keys = String.join(", ", keyColumns());
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + keys + ", count(*) FROM " + quote(relation)
                        + " GROUP BY " + keys + " HAVING count(*) > 1 LIMIT 1")) {
            if (rs.next()) {
                List<String> key = new ArrayList<>();
                for (int i = 0; i < view.entities().size(); i++) {
                    key.add(view.entities().get(i).name() + "=" + rs.getString(i + 1));
                }
                throw FeatureDuckException.ofView(
                        ErrorCode.VIEW_DEFINITION_MISMATCH,
                        view.name(),
                        "is a snapshot view (no "
                                + "spec.source.timestampColumn), so its table must hold one row per key, but table "
                                + snapshot.location() + " version " + snapshot.version() + " has "
                                + rs.getLong(view.entities().size() + 1) + " rows for " + String.join(", ", key)
                                + "; set spec.source.timestampColumn if the table keeps history");
            }
        }
    }

    /** Key columns in their canonical form, aliased {@code k0, k1, ...}. */
    public List<String> keyProjections() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < view.entities().size(); i++) {
            EntitySpec entity = view.entities().get(i);
            keys.add(dialect.key(dialect.quote(entity.name()), entity.type()) + " AS k" + i);
        }
        return keys;
    }

    public List<String> keyColumns() {
        return view.entities().stream().map(e -> dialect.quote(e.name())).toList();
    }

    /** Rows with every key: the only ones a lookup or a join can find. */
    public String keysPresent() {
        return String.join(
                " AND ", keyColumns().stream().map(k -> k + " IS NOT NULL").toList());
    }

    /**
     * The rows that are events: with every key and an event time. Latest rows, histories, pulls and aggregations are
     * all built from these.
     */
    public String isEvent() {
        return keysPresent() + " AND " + eventTime() + " IS NOT NULL";
    }

    /** Event time as an instant; timestamps without zone are taken as UTC. */
    public String eventTime() {
        return dialect.instant(dialect.quote(view.timestampColumn()));
    }

    public Optional<String> createdTime() {
        return Optional.ofNullable(view.createdTimestampColumn()).map(c -> dialect.instant(dialect.quote(c)));
    }

    /** Feature values in the form the online index stores, aliased {@code f0, f1, ...}. */
    public List<String> featureProjections() {
        List<String> features = new ArrayList<>();
        for (int i = 0; i < view.features().size(); i++) {
            features.add(servedFeature(view.features().get(i)) + " AS f" + i);
        }
        return features;
    }

    /**
     * A feature's value with its declared type, as historical retrieval returns it. The online index stores the same
     * expression, transformed only into a cheaper storage form.
     */
    public String typedFeature(FeatureSpec feature) {
        return dialect.cast(sourceExpression(feature), feature.type());
    }

    private String servedFeature(FeatureSpec feature) {
        return StoredForm.feature(sourceExpression(feature), feature.type());
    }

    private String sourceExpression(FeatureSpec feature) {
        return feature.hasExpression() ? feature.expression() : dialect.quote(feature.name());
    }

    private static boolean requireColumn(TableSnapshot snapshot, String column, String field, List<String> problems) {
        if (snapshot.column(column).isPresent()) {
            return true;
        }
        problems.add(field + ": column '" + column + "' is not in the table; it has "
                + snapshot.columns().stream().map(SourceColumn::name).toList());
        return false;
    }

    private static void requireTimeColumn(TableSnapshot snapshot, String column, String field, List<String> problems) {
        if (!requireColumn(snapshot, column, field, problems)) {
            return;
        }
        ColumnType type = snapshot.column(column).orElseThrow().type();
        if (!type.isTime()) {
            problems.add(field + ": column '" + column + "' is " + DuckDbTypes.of(type)
                    + "; a time column must be a timestamp (with or without time zone) or a date");
        }
    }
}
