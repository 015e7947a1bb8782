package io.featureduck.dataplane.lookup;

import com.fasterxml.jackson.core.JsonGenerator;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.values.FeatureValues;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The answer to an {@link OnlineRequest}, column-major as Feast's: for each feature and entity a status, an event
 * time and a value, all from one index per view (so one table version per view). Each API writes it in its own wire
 * form; the rules of what is present, null, missing or expired are here, once.
 */
public final class OnlineAnswer {
    private final List<AnswerFeature> features;
    private final Map<String, OnlineIndex> indexes;
    /** By feature position: the rows of its view's index for each entity, and their statuses. */
    private final int[][] rows;
    private final LookupStatus[][] rowStatuses;
    /** On-demand values by feature position (null entries for stored features). */
    private final Object[][] computed;
    private final int entities;
    private final long nowMicros;

    OnlineAnswer(List<AnswerFeature> features, Map<String, OnlineIndex> indexes, Map<String, int[]> rows,
                 Map<String, LookupStatus[]> rowStatuses, Object[][] computed, int entities, long nowMicros) {
        this.features = List.copyOf(features);
        this.indexes = indexes;
        this.rows = new int[features.size()][];
        this.rowStatuses = new LookupStatus[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            this.rows[f] = rows.get(features.get(f).view());
            this.rowStatuses[f] = rowStatuses.get(features.get(f).view());
        }
        this.computed = computed;
        this.entities = entities;
        this.nowMicros = nowMicros;
    }

    public List<AnswerFeature> features() {
        return features;
    }

    /** The indexes answered from, one per view, in the order the request first named the views. */
    public Collection<OnlineIndex> indexes() {
        return indexes.values();
    }

    public int entities() {
        return entities;
    }

    public long nowMicros() {
        return nowMicros;
    }

    /** The status of feature {@code feature} (its position in {@link #features()}) for entity {@code entity}. */
    public LookupStatus status(int feature, int entity) {
        AnswerFeature column = features.get(feature);
        LookupStatus status = rowStatuses[feature][entity];
        if (status != LookupStatus.PRESENT) {
            return status;
        }
        boolean absent = column.isOnDemand() ? computed[feature][entity] == null
                : column.index().column(column.position()).isNull(rows[feature][entity]);
        return absent ? LookupStatus.NULL_VALUE : LookupStatus.PRESENT;
    }

    /** Whether the entity was found in the feature's view, so that it has an event time. */
    public boolean found(int feature, int entity) {
        return row(feature, entity) != EntityKeyIndex.ABSENT;
    }

    /** The event time of the entity's row in the feature's view, in microseconds; only when {@link #found}. */
    public long eventMicros(int feature, int entity) {
        return features.get(feature).index().eventMicros(row(feature, entity));
    }

    /** The value in the forms of {@code values/FeatureValues}; only when {@link #status} is PRESENT. */
    public Object value(int feature, int entity) {
        AnswerFeature column = features.get(feature);
        if (column.isOnDemand()) {
            return computed[feature][entity];
        }
        return column.index().value(column.position(), row(feature, entity));
    }

    /** Writes the value as JSON; only when {@link #status} is PRESENT. */
    public void writeJson(int feature, int entity, JsonGenerator json) throws IOException {
        AnswerFeature column = features.get(feature);
        if (column.isOnDemand()) {
            FeatureValues.writeJson(computed[feature][entity], json);
        } else {
            column.index().column(column.position()).writeJson(row(feature, entity), json);
        }
    }

    private int row(int feature, int entity) {
        return rows[feature][entity];
    }
}
