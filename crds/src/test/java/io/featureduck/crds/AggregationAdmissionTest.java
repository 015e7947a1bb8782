package io.featureduck.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What admission accepts of {@code spec.aggregations}, and how it names what it refuses. */
class AggregationAdmissionTest {
    private static final List<EntitySpec> KEYS = List.of(new EntitySpec("driver_id", ValueType.INT64));

    private static FeatureView view(SourceSpec source, List<FeatureSpec> features, List<AggregationSpec> aggregations) {
        return FeatureView.of(
                "trips",
                new FeatureViewSpec(
                        "s", source, KEYS, features, null, null, null, null, null, null, null, aggregations));
    }

    private static FeatureView view(AggregationSpec... aggregations) {
        return view(new SourceSpec(null, "t", "ts", null), List.of(), List.of(aggregations));
    }

    private static AggregationSpec windows(
            String name, String column, ValueType type, AggregationFunction function, Integer n, String... windows) {
        return new AggregationSpec(name, column, null, type, function, null, List.of(windows), n, null);
    }

    @Test
    void anAggregationOnlyViewServesOneFeaturePerWindowTypedByItsFunction() {
        FeatureView view = view(
                windows("trips", "trips", ValueType.INT32, AggregationFunction.SUM, null, "1h", "7d", "lifetime"),
                new AggregationSpec("rides", null, null, AggregationFunction.COUNT, "30d"),
                windows("merchants", "merchant", ValueType.STRING, AggregationFunction.LAST_N, 5, "1d"),
                windows("spend", "amount", ValueType.FLOAT32, AggregationFunction.AVG, null, "10m"));
        assertThat(SpecValidator.validate(view)).isEmpty();
        assertThat(view.spec().aggregatedFeatures())
                .extracting(AggregatedFeature::name, AggregatedFeature::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("trips_1h", ValueType.INT64),
                        org.assertj.core.groups.Tuple.tuple("trips_7d", ValueType.INT64),
                        org.assertj.core.groups.Tuple.tuple("trips_lifetime", ValueType.INT64),
                        org.assertj.core.groups.Tuple.tuple("rides", ValueType.INT64),
                        org.assertj.core.groups.Tuple.tuple("merchants_1d", ValueType.STRING_LIST),
                        org.assertj.core.groups.Tuple.tuple("spend_10m", ValueType.FLOAT64));
        assertThat(FeatureServiceResolution.servedFeatures(view.spec()))
                .containsExactly("trips_1h", "trips_7d", "trips_lifetime", "rides", "merchants_1d", "spend_10m");
    }

    @Test
    void refusesWhatCannotBeComputedNamingTheField() {
        FeatureView view = view(
                windows("a", "merchant", ValueType.STRING, AggregationFunction.SUM, null, "1h"),
                windows("b", null, null, AggregationFunction.AVG, null, "1h"),
                windows("c", "x", ValueType.INT64, AggregationFunction.LAST_N, null, "1h"),
                windows("d", "x", ValueType.INT64, AggregationFunction.MAX, 3, "2y", "400d", "0s"),
                new AggregationSpec(
                        "e", "x", null, ValueType.INT64, AggregationFunction.MIN, "1h", List.of("2h"), null, null),
                windows("f", "x", null, AggregationFunction.MIN, null, "1h"),
                new AggregationSpec(
                        "g", "x", "x + 1", ValueType.INT64, AggregationFunction.MIN, "1h", null, null, null));
        assertThat(SpecValidator.validate(view))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder(
                        "spec.aggregations[0].type",
                        "spec.aggregations[1].column",
                        "spec.aggregations[2].n",
                        "spec.aggregations[3].n",
                        "spec.aggregations[3].windows[0]",
                        "spec.aggregations[3].windows[1]",
                        "spec.aggregations[3].windows[2]",
                        "spec.aggregations[4].window",
                        "spec.aggregations[5].type",
                        "spec.aggregations[6].expression");
        assertThat(SpecValidator.validate(view))
                .extracting(Violation::toString)
                .anyMatch(m -> m.contains("sum cannot aggregate string values"))
                .anyMatch(m -> m.contains("'400d' is outside the windows served: from 1s to 366d"));
    }

    @Test
    void aSnapshotViewHasNoEventsToAggregate() {
        FeatureView view = view(
                new SourceSpec(null, "t", null, null),
                List.of(),
                List.of(new AggregationSpec("n", null, null, AggregationFunction.COUNT, "1h")));
        assertThat(SpecValidator.validate(view))
                .extracting(Violation::toString)
                .containsExactly("spec.aggregations: aggregate events, so they need spec.source.timestampColumn: a "
                        + "snapshot view's table holds one row per key, not its history");
    }

    @Test
    void servedNamesMustNotCollideWithFeaturesKeysOrEachOther() {
        FeatureView view = view(
                new SourceSpec(null, "t", "ts", null),
                List.of(new FeatureSpec("trips_1h", ValueType.INT64)),
                List.of(
                        windows("trips", "trips", ValueType.INT64, AggregationFunction.SUM, null, "1h"),
                        new AggregationSpec("driver_id", null, null, AggregationFunction.COUNT, "1h"),
                        new AggregationSpec("n", null, null, AggregationFunction.COUNT, "1h"),
                        new AggregationSpec("n", null, null, AggregationFunction.COUNT, "2h")));
        assertThat(SpecValidator.validate(view))
                .extracting(Violation::field)
                .containsExactly(
                        "spec.aggregations[0].windows[0]",
                        "spec.aggregations[1].window",
                        "spec.aggregations[3].window");
    }

    @Test
    void aViewServesSomething() {
        assertThat(SpecValidator.validate(view(new SourceSpec(null, "t", "ts", null), List.of(), List.of())))
                .extracting(Violation::field)
                .containsExactly("spec.features");
    }

    @Test
    void onDemandFeaturesMayReadAggregatedOnes() {
        FeatureView view = FeatureView.of(
                "trips",
                new FeatureViewSpec(
                        "s",
                        new SourceSpec(null, "t", "ts", null),
                        KEYS,
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        List.of(new OnDemandFeatureSpec("busy", ValueType.BOOL, "rides_1h > 3")),
                        null,
                        null,
                        List.of(windows("rides", null, null, AggregationFunction.COUNT, null, "1h"))));
        assertThat(SpecValidator.validate(view)).isEmpty();
        assertThat(OnDemandExpressions.compile(view.spec()).get(0).features()).containsExactly("rides_1h");
    }
}
