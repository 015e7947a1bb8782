package io.featureduck.dataplane.config;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.AggregationSpec;
import io.featureduck.crds.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A view's time-window aggregations: as defined, and the features they serve (one per aggregation and window).
 *
 * @param specs    {@code spec.aggregations}
 * @param features the served features, in definition order
 */
public record ViewAggregations(List<AggregationSpec> specs, List<AggregatedFeature> features) {
    private static final ViewAggregations NONE = new ViewAggregations(List.of(), List.of());

    public ViewAggregations {
        specs = List.copyOf(specs);
        features = List.copyOf(features);
    }

    public static ViewAggregations none() {
        return NONE;
    }

    /** The aggregations of an admitted definition. */
    public static ViewAggregations of(List<AggregationSpec> specs) {
        return specs.isEmpty() ? NONE : new ViewAggregations(specs, AggregatedFeature.of(specs));
    }

    /**
     * A value the aggregations read from each event: a column or an expression, typed. Aggregations that read the same
     * one share it, so the index holds it once.
     *
     * @param column     the source column, or null
     * @param expression the DuckDB expression, or null
     * @param type       the value's type
     */
    public record Input(String column, String expression, ValueType type) {}

    /** The distinct values the aggregations read, in the order they first appear. */
    public List<Input> inputs() {
        List<Input> inputs = new ArrayList<>();
        for (AggregationSpec spec : specs) {
            input(spec).filter(i -> !inputs.contains(i)).ifPresent(inputs::add);
        }
        return inputs;
    }

    /** The position in {@link #inputs()} of what aggregation {@code aggregation} reads; -1 for count of events. */
    public int inputOf(int aggregation) {
        return input(specs.get(aggregation)).map(inputs()::indexOf).orElse(-1);
    }

    /** What {@code spec} reads of each event; empty for count of events. */
    public static Optional<Input> input(AggregationSpec spec) {
        return spec.hasSource()
                ? Optional.of(new Input(spec.column(), spec.expression(), spec.type()))
                : Optional.empty();
    }

    public boolean isEmpty() {
        return specs.isEmpty();
    }

    public Optional<AggregatedFeature> feature(String name) {
        return features.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The position of a served feature among {@link #features()}, or -1. */
    public int position(String name) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * How far back from its build time an index keeps events one by one: the longest finite window. Older events
     * only count toward lifetime windows, which keep them folded into one partial aggregate per entity.
     */
    public Optional<Duration> longestWindow() {
        return features.stream()
                .map(f -> f.window().duration())
                .flatMap(Optional::stream)
                .max(Duration::compareTo);
    }

    /** Whether some window is {@code lifetime}. */
    public boolean hasLifetime() {
        return features.stream().anyMatch(f -> f.window().isLifetime());
    }
}
