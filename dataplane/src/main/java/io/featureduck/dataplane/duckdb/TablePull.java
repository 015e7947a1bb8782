package io.featureduck.dataplane.duckdb;

import static io.featureduck.dataplane.duckdb.Sql.quote;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Rows of an event-time view's table as Feast's offline store pulls them for materialization
 * ({@code pull_all_from_table_or_query}: every row whose event time is in the range;
 * {@code pull_latest_from_table_or_query}: the latest such row of each entity, the created time breaking ties as
 * everywhere else). The columns are the ones asked for, under their own names: join keys, features (typed as the view
 * declares them, expressions applied), the event time and the created time.
 *
 * @param view     the view whose table is read
 * @param keys     the join key columns asked for: the view's, in any order
 * @param features the stored features asked for
 * @param latest   whether only each entity's latest row in the range is wanted
 * @param start    the range's inclusive start, when it has one
 * @param end      the range's inclusive end, when it has one
 */
public record TablePull(
        ViewDefinition view,
        List<String> keys,
        List<String> features,
        boolean latest,
        Optional<Instant> start,
        Optional<Instant> end) {
    public TablePull {
        keys = List.copyOf(keys);
        features = List.copyOf(features);
    }

    /**
     * Checks the request against the view: its keys exactly, stored features only, and its own event time.
     *
     * @param timestampField the event-time column the client names
     * @throws FeatureDuckException {@code INVALID_FIELD} naming what the view has instead
     */
    public void check(String timestampField) {
        if (view.isSnapshot()) {
            throw FeatureDuckException.ofView(
                    ErrorCode.INVALID_FIELD,
                    view.name(),
                    "a snapshot view has no event time to pull rows by; use get_historical_features");
        }
        if (!new HashSet<>(keys).equals(new HashSet<>(view.entityNames()))) {
            throw FeatureDuckException.ofView(
                    ErrorCode.INVALID_FIELD,
                    view.name(),
                    "join key columns " + keys + " are not the view's " + view.entityNames());
        }
        for (String feature : features) {
            if (view.feature(feature).isEmpty()) {
                throw FeatureDuckException.ofView(
                        ErrorCode.INVALID_FIELD,
                        view.name(),
                        "'" + feature + "' is not a stored feature of the view (on-demand features are computed "
                                + "per request); it stores " + view.featureNames());
            }
        }
        if (!timestampField.equals(view.timestampColumn())) {
            throw FeatureDuckException.ofView(
                    ErrorCode.INVALID_FIELD,
                    view.name(),
                    "the event time column is '" + view.timestampColumn() + "', not '" + timestampField + "'");
        }
    }

    /** The query over {@code relation}, the view's table version checked by {@code projection}. */
    public String sql(ViewProjection projection, String relation) {
        List<String> select = new ArrayList<>();
        for (String key : keys) {
            EntitySpec entity = view.entities().stream()
                    .filter(e -> e.name().equals(key))
                    .findFirst()
                    .orElseThrow();
            select.add("CAST(" + quote(key) + " AS " + DuckDbTypes.of(entity.type()) + ") AS " + quote(key));
        }
        for (String name : features) {
            FeatureSpec feature = view.feature(name).orElseThrow();
            select.add(projection.typedFeature(feature) + " AS " + quote(name));
        }
        select.add(projection.eventTime() + " AS " + quote(view.timestampColumn()));
        projection
                .createdTime()
                .ifPresent(created -> select.add(created + " AS " + quote(view.createdTimestampColumn())));
        List<String> where = new ArrayList<>(List.of(projection.isEvent()));
        start.ifPresent(s -> where.add(projection.eventTime() + " >= " + Sql.literal(s, "TIMESTAMPTZ")));
        end.ifPresent(e -> where.add(projection.eventTime() + " <= " + Sql.literal(e, "TIMESTAMPTZ")));
        String sql =
                "SELECT " + String.join(", ", select) + " FROM " + relation + " WHERE " + String.join(" AND ", where);
        if (!latest) {
            return sql;
        }
        String order = projection.eventTime() + " DESC"
                + projection
                        .createdTime()
                        .map(c -> ", " + c + " DESC NULLS LAST")
                        .orElse("");
        return sql + " QUALIFY row_number() OVER (PARTITION BY " + String.join(", ", projection.keyColumns())
                + " ORDER BY " + order + ") = 1";
    }
}
