package io.featureduck.dataplane.lookup;

import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.FeatureColumn;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The answer to an {@link OnlineRequest}, column-major as Feast's: for each feature and entity a status, an event
 * time and a value, all from one index per view (so one table version per view). Each API writes it in its own wire
 * form; the rules of what is present, null, missing or expired are here, once.
 *
 * <p>Views are numbered by their slot in the {@link #plan}: rows, row statuses and event times are per view and
 * entity, shared by all of the view's features, so a writer formats a view's event time once per entity.
 */
public final class OnlineAnswer {
    private final FeaturePlan plan;
    private final OnlineIndex[] indexes;
    /** By view slot: the row of each entity in the view's index, and its status. */
    private final int[][] rows;

    private final LookupStatus[][] rowStatuses;
    /** On-demand values by feature position (null for stored features, or altogether when there are none). */
    private final Object[][] computed;

    private final int entities;
    private final long nowMicros;

    OnlineAnswer(
            FeaturePlan plan,
            OnlineIndex[] indexes,
            int[][] rows,
            LookupStatus[][] rowStatuses,
            Object[][] computed,
            int entities,
            long nowMicros) {
        this.plan = plan;
        this.indexes = indexes;
        this.rows = rows;
        this.rowStatuses = rowStatuses;
        this.computed = computed;
        this.entities = entities;
        this.nowMicros = nowMicros;
    }

    /** The resolved feature list; constant per list, so writers cache their encodings of it. */
    public FeaturePlan plan() {
        return plan;
    }

    public List<AnswerFeature> features() {
        return plan.features();
    }

    /** The indexes answered from, one per view slot, in the order the request first named the views. */
    public List<OnlineIndex> indexes() {
        return Collections.unmodifiableList(Arrays.asList(indexes));
    }

    /** Views answered from, numbered by slot. */
    public int viewCount() {
        return indexes.length;
    }

    /** The index of view slot {@code slot}. */
    public OnlineIndex index(int slot) {
        return indexes[slot];
    }

    public int entities() {
        return entities;
    }

    public long nowMicros() {
        return nowMicros;
    }

    /** The status of feature {@code feature} (its position in {@link #features()}) for entity {@code entity}. */
    public LookupStatus status(int feature, int entity) {
        AnswerFeature column = plan.features().get(feature);
        int slot = column.viewSlot();
        LookupStatus status = rowStatuses[slot][entity];
        // A window's value does not age: the view's TTL is for its latest-row features, an aggregate is as of now.
        boolean aggregate = column.isAggregate() && status == LookupStatus.OUTSIDE_MAX_AGE;
        if (status != LookupStatus.PRESENT && !aggregate) {
            return status;
        }
        boolean absent = column.isComputed()
                ? computed[feature][entity] == null
                : indexes[slot].column(column.position()).isNull(rows[slot][entity]);
        return absent ? LookupStatus.NULL_VALUE : LookupStatus.PRESENT;
    }

    /** The status of entity {@code entity}'s row in the view of slot {@code slot}, whatever its values. */
    public LookupStatus rowStatus(int slot, int entity) {
        return rowStatuses[slot][entity];
    }

    /** Whether the entity was found in the feature's view, so that it has an event time. */
    public boolean found(int feature, int entity) {
        return rowFound(plan.features().get(feature).viewSlot(), entity);
    }

    /** Whether the entity was found in the view of slot {@code slot}. */
    public boolean rowFound(int slot, int entity) {
        return rows[slot][entity] != EntityKeyIndex.ABSENT;
    }

    /** The event time of the entity's row in the feature's view, in microseconds; only when {@link #found}. */
    public long eventMicros(int feature, int entity) {
        return rowEventMicros(plan.features().get(feature).viewSlot(), entity);
    }

    /** The event time of the entity's row in the view of slot {@code slot}; only when {@link #rowFound}. */
    public long rowEventMicros(int slot, int entity) {
        return indexes[slot].eventMicros(rows[slot][entity]);
    }

    /** The value in the forms of {@code values/FeatureValues}; only when {@link #status} is PRESENT. */
    public Object value(int feature, int entity) {
        AnswerFeature column = plan.features().get(feature);
        if (column.isComputed()) {
            return computed[feature][entity];
        }
        int slot = column.viewSlot();
        return indexes[slot].value(column.position(), rows[slot][entity]);
    }

    /** An on-demand or aggregated feature's value; only when {@link #status} is PRESENT. */
    public Object computed(int feature, int entity) {
        return computed[feature][entity];
    }

    /** The stored column a stored feature reads. */
    public FeatureColumn column(int feature) {
        AnswerFeature column = plan.features().get(feature);
        return indexes[column.viewSlot()].column(column.position());
    }

    /** The row a stored feature reads for {@code entity}; {@link EntityKeyIndex#ABSENT} when not found. */
    public int row(int feature, int entity) {
        return rows[plan.features().get(feature).viewSlot()][entity];
    }

    /**
     * Reads every stored value of {@code entity} once, in a tight loop of independent loads, so the processor
     * fetches the (cache-cold, randomly placed) rows in parallel before a writer formats them one by one; a writer
     * that formats as it reads waits for each cache miss in turn. Returns a value only to keep the reads.
     */
    public long prefetch(int entity) {
        long touched = 0;
        List<AnswerFeature> features = plan.features();
        for (int f = 0; f < features.size(); f++) {
            AnswerFeature feature = features.get(f);
            int row = rows[feature.viewSlot()][entity];
            if (row != EntityKeyIndex.ABSENT && !feature.isComputed()) {
                touched +=
                        indexes[feature.viewSlot()].column(feature.position()).touch(row);
            }
        }
        return touched;
    }
}
