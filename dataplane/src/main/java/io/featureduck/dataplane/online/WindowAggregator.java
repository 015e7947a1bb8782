package io.featureduck.dataplane.online;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.ValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes an aggregated feature for one entity at one time from its events ({@link EventLog}): the events with event
 * time in {@code (end - window, end]}, or at or before {@code end} for lifetime, each function as
 * {@code docs/AGGREGATIONS.md} defines it and historical retrieval's SQL computes it. Pure memory work over one
 * entity's events, found by binary search.
 */
public final class WindowAggregator {
    private WindowAggregator() {}

    /**
     * The value of {@code feature} for {@code row} at {@code endMicros}, in the forms of {@code values/FeatureValues}:
     * null before the entity's first event; after it, null where SQL's aggregate is null (no value in the window),
     * 0 for the counts and an empty list for {@code last_n}.
     *
     * @param input the log's input the feature reads; -1 for count of events
     */
    public static Object value(AggregatedFeature feature, int input, EventLog log, int row, long endMicros) {
        if (log.firstMicros(row) > endMicros) {
            return null; // no event yet: the entity has no window, as historical retrieval finds no row
        }
        int first = log.start(row);
        int end = first + log.count(row);
        int high = upperBound(log, first, end, endMicros);
        long windowMicros = feature.window().micros();
        int low = windowMicros == Long.MAX_VALUE || high == first
                ? first
                : upperBound(log, first, high, endMicros - windowMicros);
        if (input < 0) {
            return (long) (high - low);
        }
        FeatureColumn values = log.input(input);
        ValueType type = feature.inputType();
        return switch (feature.function()) {
            case COUNT -> (long) nonNull(values, low, high);
            case SUM -> sum(values, type, low, high);
            case AVG -> average(values, type, low, high);
            case MIN -> extreme(values, type, low, high, -1);
            case MAX -> extreme(values, type, low, high, 1);
            case LAST -> {
                List<Object> last = latest(log, values, type, low, high, 1);
                yield last.isEmpty() ? null : last.get(0);
            }
            case LAST_N -> latest(log, values, type, low, high, feature.n());
            case COUNT_DISTINCT -> distinct(values, type, low, high);
            case STDDEV -> deviation(values, type, low, high);
        };
    }

    /** The first event in {@code [from, to)} with a time after {@code micros}. */
    private static int upperBound(EventLog log, int from, int to, long micros) {
        int low = from;
        int high = to;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (log.time(mid) <= micros) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int nonNull(FeatureColumn values, int low, int high) {
        int found = 0;
        for (int e = low; e < high; e++) {
            found += values.isNull(e) ? 0 : 1;
        }
        return found;
    }

    private static boolean integral(ValueType type) {
        return type == ValueType.INT32 || type == ValueType.INT64;
    }

    private static double number(FeatureColumn values, ValueType type, int event) {
        long bits = values.bits(event);
        return switch (type) {
            case FLOAT32 -> Float.intBitsToFloat((int) bits);
            case FLOAT64 -> Double.longBitsToDouble(bits);
            default -> bits;
        };
    }

    /**
     * The values of events {@code low..high-1} that are not null, added up: integers exactly (an int64 overflow fails,
     * as SQL's does), floats as doubles.
     */
    private record Total(long count, long whole, double real) {
        static Total of(FeatureColumn values, ValueType type, int low, int high) {
            long count = 0;
            long whole = 0;
            double real = 0;
            boolean integers = integral(type);
            for (int e = low; e < high; e++) {
                if (!values.isNull(e)) {
                    count++;
                    if (integers) {
                        whole = Math.addExact(whole, values.bits(e));
                    } else {
                        real += number(values, type, e);
                    }
                }
            }
            return new Total(count, whole, real);
        }
    }

    private static Object sum(FeatureColumn values, ValueType type, int low, int high) {
        Total total = Total.of(values, type, low, high);
        return total.count() == 0 ? null : integral(type) ? (Object) total.whole() : (Object) total.real();
    }

    private static Object average(FeatureColumn values, ValueType type, int low, int high) {
        Total total = Total.of(values, type, low, high);
        // Integers are summed exactly before the one division, as SQL's avg does.
        return total.count() == 0 ? null : (integral(type) ? (double) total.whole() : total.real()) / total.count();
    }

    private static Object deviation(FeatureColumn values, ValueType type, int low, int high) {
        // Welford's update: one pass, and no catastrophic cancellation on large values.
        long n = 0;
        double mean = 0;
        double squares = 0;
        for (int e = low; e < high; e++) {
            if (!values.isNull(e)) {
                double x = number(values, type, e);
                n++;
                double delta = x - mean;
                mean += delta / n;
                squares += delta * (x - mean);
            }
        }
        return n < 2 ? null : Math.sqrt(squares / (n - 1));
    }

    /** The least ({@code sign} -1) or greatest (+1) value, in SQL's order for the type. */
    private static Object extreme(FeatureColumn values, ValueType type, int low, int high, int sign) {
        int best = -1;
        for (int e = low; e < high; e++) {
            if (!values.isNull(e) && (best < 0 || sign * compare(values, type, e, best) > 0)) {
                best = e;
            }
        }
        return best < 0 ? null : values.value(best);
    }

    /**
     * The values of the {@code n} latest events with a value, newest first: greatest event time, and among events of
     * one time the greatest value first, so that a tie has one answer online and historically.
     */
    private static List<Object> latest(EventLog log, FeatureColumn values, ValueType type, int low, int high, int n) {
        List<Object> found = new ArrayList<>(Math.min(n, high - low));
        int e = high - 1;
        while (e >= low && found.size() < n) {
            long time = log.time(e);
            int tieStart = e;
            while (tieStart > low && log.time(tieStart - 1) == time) {
                tieStart--;
            }
            if (tieStart == e) {
                // The usual case: one event at that time, nothing to order.
                if (!values.isNull(e)) {
                    found.add(values.value(e));
                }
                e--;
                continue;
            }
            List<Integer> tie = new ArrayList<>(e - tieStart + 1);
            for (int t = tieStart; t <= e; t++) {
                if (!values.isNull(t)) {
                    tie.add(t);
                }
            }
            tie.sort((a, b) -> compare(values, type, b, a));
            for (int t = 0; t < tie.size() && found.size() < n; t++) {
                found.add(values.value(tie.get(t)));
            }
            e = tieStart - 1;
        }
        return found;
    }

    private static long distinct(FeatureColumn values, ValueType type, int low, int high) {
        Set<Object> seen = new HashSet<>();
        for (int e = low; e < high; e++) {
            if (!values.isNull(e)) {
                // Bits for the fixed-width types: SQL's distinct compares floats by value, and these hold no -0.0.
                seen.add(values.isFixedWidth() ? (Object) values.bits(e) : values.value(e));
            }
        }
        return seen.size();
    }

    /** Compares two non-null values as SQL orders them: numbers and times by value, strings by code point. */
    private static int compare(FeatureColumn values, ValueType type, int a, int b) {
        return switch (type) {
            case FLOAT32, FLOAT64 -> Double.compare(number(values, type, a), number(values, type, b));
            case STRING -> compareCodePoints((String) values.value(a), (String) values.value(b));
            default -> Long.compare(values.bits(a), values.bits(b));
        };
    }

    /** UTF-8 byte order, which is code point order (not Java's UTF-16 order). */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
