package io.featureduck.crds;

import java.util.ArrayList;
import java.util.List;

/**
 * One served feature of an aggregation: the aggregation at one of its windows. The operator, the data plane's
 * serving and its historical retrieval all name and type these features from here.
 *
 * @param name        the name clients ask for
 * @param aggregation the aggregation's position in {@code spec.aggregations}
 * @param function    what is computed
 * @param window      over which events
 * @param inputType   the type of the values aggregated; null for {@code count} of events
 * @param type        the type served
 * @param n           how many values {@code last_n} serves; 0 for the other functions
 */
public record AggregatedFeature(
        String name,
        int aggregation,
        AggregationFunction function,
        AggregationWindow window,
        ValueType inputType,
        ValueType type,
        int n) {

    /**
     * The features of {@code aggregations}, in definition order and each aggregation's windows in order; only for
     * definitions {@link SpecValidator} accepts.
     */
    public static List<AggregatedFeature> of(List<AggregationSpec> aggregations) {
        List<AggregatedFeature> features = new ArrayList<>();
        for (int a = 0; a < aggregations.size(); a++) {
            AggregationSpec spec = aggregations.get(a);
            boolean several = spec.window() == null;
            for (String text : spec.windowTexts()) {
                ValueType input = spec.hasSource() ? spec.type() : null;
                features.add(new AggregatedFeature(
                        several ? spec.name() + "_" + text : spec.name(),
                        a,
                        spec.function(),
                        AggregationWindow.parse(text),
                        input,
                        spec.function().outputType(input),
                        spec.function() == AggregationFunction.LAST_N ? spec.n() : 0));
            }
        }
        return List.copyOf(features);
    }
}
