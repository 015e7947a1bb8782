package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a time-window aggregation computes over the events of its window. Every function but {@code count} without a
 * source skips events whose value is null, as SQL aggregates do; {@code docs/AGGREGATIONS.md} gives each one's exact
 * rule, online and historical alike.
 */
public enum AggregationFunction {
    /** Events in the window; with a source, events whose value is not null. */
    COUNT("count", EnumSet.allOf(ValueType.class)),
    SUM("sum", Inputs.NUMBERS),
    AVG("avg", Inputs.NUMBERS),
    MIN("min", Inputs.ORDERED),
    MAX("max", Inputs.ORDERED),
    /** The value of the latest event: greatest event time, a tie going to the greatest value. */
    LAST("last", Inputs.SCALARS),
    /** The values of the {@code n} latest events, newest first, ordered as {@link #LAST} orders them. */
    LAST_N("last_n", Inputs.SCALARS),
    /** Distinct values, counted exactly. */
    COUNT_DISTINCT("count_distinct", Inputs.SCALARS),
    /** Sample standard deviation (null under two values), as SQL's {@code stddev_samp}. */
    STDDEV("stddev", Inputs.NUMBERS);

    /** The most values {@link #LAST_N} keeps per window. */
    public static final int MAX_N = 1000;

    private final String wireName;
    private final Set<ValueType> inputs;

    AggregationFunction(String wireName, Set<ValueType> inputs) {
        this.wireName = wireName;
        this.inputs = inputs;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Whether the function reads a value of each event (only {@code count} can do without). */
    public boolean needsInput() {
        return this != COUNT;
    }

    public boolean accepts(ValueType input) {
        return inputs.contains(input);
    }

    /** The types it accepts, by wire name, for messages. */
    public List<String> acceptedTypes() {
        return inputs.stream().map(ValueType::wireName).toList();
    }

    /** The type of the value served, given the type of the input (ignored by the counts). */
    public ValueType outputType(ValueType input) {
        return switch (this) {
            case COUNT, COUNT_DISTINCT -> ValueType.INT64;
            case AVG, STDDEV -> ValueType.FLOAT64;
            case SUM -> input == ValueType.INT32 || input == ValueType.INT64 ? ValueType.INT64 : ValueType.FLOAT64;
            case MIN, MAX, LAST -> input;
            case LAST_N -> ValueType.fromWireName("list<" + input.wireName() + ">");
        };
    }

    @JsonCreator
    public static AggregationFunction fromWireName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(f -> f.wireName.equals(wanted))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown aggregation function '" + name + "', expected one of "
                                + Arrays.stream(values()).map(f -> f.wireName).toList()));
    }

    /** The input types functions accept, by what they need of a value. */
    private static final class Inputs {
        static final Set<ValueType> NUMBERS =
                EnumSet.of(ValueType.INT32, ValueType.INT64, ValueType.FLOAT32, ValueType.FLOAT64);
        static final Set<ValueType> ORDERED = EnumSet.of(
                ValueType.INT32,
                ValueType.INT64,
                ValueType.FLOAT32,
                ValueType.FLOAT64,
                ValueType.STRING,
                ValueType.TIMESTAMP,
                ValueType.DATE);
        static final Set<ValueType> SCALARS = EnumSet.of(
                ValueType.INT32,
                ValueType.INT64,
                ValueType.FLOAT32,
                ValueType.FLOAT64,
                ValueType.STRING,
                ValueType.BOOL,
                ValueType.TIMESTAMP,
                ValueType.DATE);

        private Inputs() {}
    }
}
