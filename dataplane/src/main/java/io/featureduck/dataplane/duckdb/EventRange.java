package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.EntitySpec;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Retrieval without an entity table (Feast's {@code start_date}/{@code end_date}): the entity rows are every key and
 * event time of the requested event-time views' events in {@code [start, end)}, each once, ordered by time and then
 * keys. The views must share their join keys, which become the rows' columns; snapshot views, which have no events,
 * are joined to those rows as to any entity rows.
 */
public record EventRange(Instant start, Instant end) implements EntitySelection {
    public EventRange {
        if (!start.isBefore(end)) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD, "the time range is empty: start " + start + " is not before end " + end);
        }
    }

    /**
     * The join keys every view shares, which the rows hold.
     *
     * @throws FeatureDuckException {@link ErrorCode#INVALID_FIELD} when the views' keys differ or none has events
     */
    static List<EntitySpec> sharedKeys(List<ViewDefinition> views) {
        List<ViewDefinition> events =
                views.stream().filter(v -> !v.isSnapshot()).toList();
        if (events.isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "a time range takes its entity rows from the events of event-time views, and "
                            + views.stream().map(ViewDefinition::name).toList()
                            + " are snapshot views; send entity rows instead");
        }
        List<EntitySpec> keys = views.get(0).entities();
        for (ViewDefinition view : views) {
            if (!view.entities().equals(keys)) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD,
                        "a time range needs views with the same join keys, but '"
                                + views.get(0).name() + "' has "
                                + names(keys) + " and '" + view.name() + "' has " + names(view.entities())
                                + "; send entity rows instead");
            }
        }
        return keys;
    }

    private static List<String> names(List<EntitySpec> keys) {
        return keys.stream().map(EntitySpec::name).toList();
    }

    /**
     * The rows' query in {@code dialect} over each event view's table, registered under the name it maps to: the
     * distinct keys (with their declared types) and event times ({@code event_timestamp}) in the range.
     */
    String rowsSql(SqlDialect dialect, Map<ViewProjection, String> relations) {
        List<String> parts = new ArrayList<>();
        List<EntitySpec> keys = null;
        for (Map.Entry<ViewProjection, String> entry : relations.entrySet()) {
            ViewProjection projection = entry.getKey();
            keys = projection.view().entities();
            List<String> columns = new ArrayList<>();
            for (EntitySpec key : keys) {
                columns.add(dialect.cast(dialect.quote(key.name()), key.type()) + " AS " + dialect.quote(key.name()));
            }
            columns.add(projection.eventTime() + " AS " + dialect.quote(EntityRows.TIMESTAMP_COLUMN));
            String micros = dialect.epochMicros(projection.eventTime());
            parts.add("SELECT " + String.join(", ", columns) + " FROM " + entry.getValue() + " WHERE "
                    + projection.isEvent() + " AND " + micros + " >= " + SqlDialect.micros(start) + " AND " + micros
                    + " < "
                    + SqlDialect.micros(end));
        }
        return "SELECT * FROM (" + String.join(" UNION ", parts) + ") ORDER BY " + order(dialect, keys);
    }

    /** The rows' order: time, then keys; a total order, as the rows are distinct. */
    static String order(SqlDialect dialect, List<EntitySpec> keys) {
        List<String> order = new ArrayList<>();
        order.add(dialect.quote(EntityRows.TIMESTAMP_COLUMN));
        keys.forEach(key -> order.add(dialect.quote(key.name())));
        return String.join(", ", order);
    }
}
