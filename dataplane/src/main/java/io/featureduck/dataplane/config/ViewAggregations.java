package io.featureduck.dataplane.config;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.AggregationSpec;
import io.featureduck.crds.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A view's time-window aggregations: as defined, the features they serve (one per aggregation and window) and the
 * distinct inputs they read, all derived once from the definition. Two are equal when their definitions are.
 */
public final class ViewAggregations {
    private static final ViewAggregations NONE = new ViewAggregations(List.of());

    private final List<AggregationSpec> specs;
    private final List<AggregatedFeature> features;
    private final List<Input> inputs;
    /** By served feature's position: the position in {@link #inputs} of what it reads; -1 for count of events. */
    private final int[] featureInputs;

    private final Map<String, Integer> positions = new HashMap<>();

    private ViewAggregations(List<AggregationSpec> specs) {
        this.specs = List.copyOf(specs);
        this.features = AggregatedFeature.of(this.specs);
        List<Input> distinct = new ArrayList<>();
        for (AggregationSpec spec : this.specs) {
            input(spec).filter(i -> !distinct.contains(i)).ifPresent(distinct::add);
        }
        this.inputs = List.copyOf(distinct);
        this.featureInputs = new int[features.size()];
        for (int f = 0; f < features.size(); f++) {
            featureInputs[f] = input(this.specs.get(features.get(f).aggregation()))
                    .map(inputs::indexOf)
                    .orElse(-1);
            positions.put(features.get(f).name(), f);
        }
    }

    public static ViewAggregations none() {
        return NONE;
    }

    /** The aggregations of an admitted definition. */
    public static ViewAggregations of(List<AggregationSpec> specs) {
        return specs.isEmpty() ? NONE : new ViewAggregations(specs);
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

    /** {@code spec.aggregations}. */
    public List<AggregationSpec> specs() {
        return specs;
    }

    /** The served features, in definition order. */
    public List<AggregatedFeature> features() {
        return features;
    }

    /** The distinct values the aggregations read, in the order they first appear. */
    public List<Input> inputs() {
        return inputs;
    }

    /** The position in {@link #inputs()} of what served feature {@code feature} reads; -1 for count of events. */
    public int inputOf(int feature) {
        return featureInputs[feature];
    }

    /** The position in {@link #inputs()} of what {@code feature}, one of {@link #features()}, reads; -1 for none. */
    public int inputOf(AggregatedFeature feature) {
        return inputOf(position(feature.name()));
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
        int position = position(name);
        return position < 0 ? Optional.empty() : Optional.of(features.get(position));
    }

    /** The position of a served feature among {@link #features()}, or -1. */
    public int position(String name) {
        Integer position = positions.get(name);
        return position == null ? -1 : position;
    }

    /**
     * How far back from its build time an index keeps events one by one: the longest finite window. A view with a
     * lifetime window keeps every event.
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

    @Override
    public boolean equals(Object other) {
        return other instanceof ViewAggregations that && specs.equals(that.specs);
    }

    @Override
    public int hashCode() {
        return specs.hashCode();
    }

    @Override
    public String toString() {
        return "ViewAggregations" + specs;
    }
}
