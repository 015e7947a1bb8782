package io.featureduck.crds;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a FeatureService stands for, given the features its store's views serve: the operator reports it in the
 * service's status and the data plane answers with it, so both expand {@code view:*} the same way.
 */
public final class FeatureServiceResolution {
    private FeatureServiceResolution() {}

    /** The features a view serves under their names: the stored ones, the on-demand ones, then the aggregated ones. */
    public static List<String> servedFeatures(FeatureViewSpec view) {
        List<String> names = new ArrayList<>();
        view.features().forEach(feature -> names.add(feature.name()));
        view.onDemand().forEach(feature -> names.add(feature.name()));
        view.aggregatedFeatures().forEach(feature -> names.add(feature.name()));
        return names;
    }

    /**
     * The {@code view:feature} references of {@code service}, with every {@code view:*} expanded in the view's order.
     *
     * @param servedFeatures the features each view of the store serves, by view name
     * @throws IllegalArgumentException naming every reference that does not resolve, or that repeats a feature
     */
    public static List<String> resolve(FeatureServiceSpec service, Map<String, List<String>> servedFeatures) {
        Set<String> resolved = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (String reference : service.features()) {
            int colon = reference.indexOf(':');
            String view = reference.substring(0, colon);
            String feature = reference.substring(colon + 1);
            List<String> features = servedFeatures.get(view);
            if (features == null) {
                problems.add("'" + reference + "': the store has no feature view '" + view + "'");
                continue;
            }
            List<String> named = FeatureServiceSpec.ALL_FEATURES.equals(feature) ? features : List.of(feature);
            if (!features.containsAll(named)) {
                problems.add("'" + reference + "': feature view '" + view + "' has no feature '" + feature
                        + "'; it has " + features);
                continue;
            }
            for (String name : named) {
                if (!resolved.add(view + ":" + name)) {
                    problems.add("'" + reference + "' names " + view + ":" + name + " again");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return List.copyOf(resolved);
    }
}
