package io.featureduck.dataplane.online;

import io.featureduck.dataplane.config.ViewAggregations;
import java.util.Arrays;
import java.util.List;

/**
 * The events a view's aggregations count, held per entity in event-time order: what {@link WindowAggregator} computes
 * every window from at request time. Events of one entity are contiguous; each event has its time and one value per
 * aggregation input ({@link ViewAggregations#inputs()}), stored column-wise as feature values are.
 *
 * <p>Events at or before {@link #afterMicros()} are not held: no window of a request at or after the index was built
 * reaches them (a view with a lifetime window holds every event). Immutable once built, as its index is.
 */
public final class EventLog {
    private final int[] start;
    private final int[] count;
    private final long[] times;
    private final FeatureColumn[] inputs;
    private final long afterMicros;
    /** Each entity's first event time, held or not: before it the entity has no window at all. */
    private final long[] firstMicros;
    /** The earliest of them: how far back the table's history goes. */
    private final long earliestMicros;

    EventLog(int[] start, int[] count, long[] times, FeatureColumn[] inputs, long afterMicros, long[] firstMicros) {
        this.firstMicros = firstMicros;
        long earliest = Long.MAX_VALUE;
        for (long first : firstMicros) {
            earliest = Math.min(earliest, first);
        }
        this.earliestMicros = earliest;
        this.start = start;
        this.count = count;
        this.times = times;
        this.inputs = inputs;
        this.afterMicros = afterMicros;
        for (FeatureColumn input : inputs) {
            input.seal();
        }
    }

    /** The time of {@code row}'s first event in the table, whether or not the log still holds it. */
    public long firstMicros(int row) {
        return firstMicros[row];
    }

    /**
     * The time of the table's earliest event, held or not; {@link Long#MAX_VALUE} for an empty table. A window
     * reaching before it covers less history than it says.
     */
    public long earliestMicros() {
        return earliestMicros;
    }

    /** How many inputs each event has. */
    public int inputCount() {
        return inputs.length;
    }

    /** Events in all. */
    public int size() {
        return times.length;
    }

    /** Entities (index rows) the log has room for. */
    int rows() {
        return start.length;
    }

    /** The first event of {@code row}. */
    public int start(int row) {
        return start[row];
    }

    /** How many events {@code row} has. */
    public int count(int row) {
        return count[row];
    }

    public long time(int event) {
        return times[event];
    }

    /** The values of input {@code input} ({@code ViewAggregations#inputs()}), one per event. */
    public FeatureColumn input(int input) {
        return inputs[input];
    }

    long[] times() {
        return times;
    }

    FeatureColumn[] inputs() {
        return inputs;
    }

    /** Events after this time are held; a log holding every event says {@link Long#MIN_VALUE}. */
    public long afterMicros() {
        return afterMicros;
    }

    /** Bytes of the log's arrays: event times, per-entity offsets and input values. */
    public long bytes() {
        long total = 8L * times.length + 16L * start.length;
        for (FeatureColumn input : inputs) {
            total += input.valueBytes();
        }
        return total;
    }

    /**
     * Bytes of each input's values; an aggregation's share of the log is its input's bytes (shared with others that
     * read it) plus the event times every aggregation reads.
     */
    public long inputBytes(int input) {
        return inputs[input].valueBytes();
    }

    /**
     * The log of an index of {@code rows} rows holding this log's events after {@code after} and {@code appended}'s
     * (whose rows are already the new index's), each entity's events merged in time order (this log's first on a
     * tie, as a full load of the table reads them in commit order).
     */
    EventLog merge(EventLog appended, int rows, long after, List<ViewAggregations.Input> types) {
        long[] first = new long[rows];
        for (int row = 0; row < rows; row++) {
            first[row] = row < start.length
                    ? Math.min(firstMicros[row], appended.firstMicros[row])
                    : appended.firstMicros[row];
        }
        int total = 0;
        int[] kept = new int[rows];
        for (int row = 0; row < rows; row++) {
            int from = row < start.length ? firstAfter(row, after) : 0;
            kept[row] = row < start.length ? start[row] + count[row] - from : 0;
            total += kept[row] + appended.count[row];
        }
        int[] newStart = new int[rows];
        int[] newCount = new int[rows];
        long[] newTimes = new long[total];
        FeatureColumn[] newInputs = new FeatureColumn[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            newInputs[i] = FeatureColumn.create(types.get(i).type(), total);
        }
        int at = 0;
        for (int row = 0; row < rows; row++) {
            newStart[row] = at;
            newCount[row] = kept[row] + appended.count[row];
            int old = row < start.length ? start[row] + count[row] - kept[row] : 0;
            int oldEnd = old + kept[row];
            int added = appended.start[row];
            int addedEnd = added + appended.count[row];
            if (added == addedEnd) {
                // Most entities got nothing in an append: their events move as one block.
                System.arraycopy(times, old, newTimes, at, kept[row]);
                for (int i = 0; i < inputs.length; i++) {
                    newInputs[i].copyRows(inputs[i], old, at, kept[row]);
                }
                at += kept[row];
                continue;
            }
            while (old < oldEnd || added < addedEnd) {
                boolean takeOld = added == addedEnd || (old < oldEnd && times[old] <= appended.times[added]);
                EventLog from = takeOld ? this : appended;
                int event = takeOld ? old++ : added++;
                newTimes[at] = from.times[event];
                for (int i = 0; i < inputs.length; i++) {
                    newInputs[i].copyRow(from.inputs[i], event, at);
                }
                at++;
            }
        }
        return new EventLog(newStart, newCount, newTimes, newInputs, Math.max(afterMicros, after), first);
    }

    /** The first event of {@code row} after {@code after}. */
    private int firstAfter(int row, long after) {
        int low = start[row];
        int high = start[row] + count[row];
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (times[mid] <= after) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Fills a log from events read in groups of one entity each, in time order within a group. */
    static final class Builder {
        private final int[] start;
        private final int[] count;
        private final long[] times;
        private final FeatureColumn[] inputs;
        private final long afterMicros;
        private final long[] firstMicros;
        private int next;

        /** @param firstMicros each row's first event time ({@link #firstMicros(int)}), filled by the caller */
        Builder(int rows, int events, List<ViewAggregations.Input> types, long afterMicros, long[] firstMicros) {
            this.firstMicros = firstMicros;
            this.start = new int[rows];
            this.count = new int[rows];
            this.times = new long[events];
            this.inputs = new FeatureColumn[types.size()];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = FeatureColumn.create(types.get(i).type(), events);
            }
            this.afterMicros = afterMicros;
        }

        /** Reads the current event of entity {@code row}: its time in {@code timeColumn}, inputs right after it. */
        void add(int row, java.sql.ResultSet rs, int timeColumn) throws java.sql.SQLException {
            if (count[row] == 0) {
                start[row] = next;
            } else if (start[row] + count[row] != next) {
                throw new IllegalStateException("events of one entity must come together");
            }
            times[next] = rs.getLong(timeColumn);
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].read(rs, timeColumn + 1 + i, next);
            }
            count[row]++;
            next++;
        }

        EventLog build() {
            if (next != times.length) {
                throw new IllegalStateException("expected " + times.length + " events, read " + next);
            }
            return new EventLog(start, count, times, inputs, afterMicros, firstMicros);
        }
    }

    @Override
    public String toString() {
        return "EventLog[" + times.length + " events, "
                + Arrays.stream(count).filter(c -> c > 0).count() + " entities]";
    }
}
