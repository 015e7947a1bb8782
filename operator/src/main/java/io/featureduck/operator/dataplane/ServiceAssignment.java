package io.featureduck.operator.dataplane;

import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureServiceResolution;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.SpecValidator;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which FeatureServices a FeatureStore serves: those in its namespace that name it, are valid and resolve against the
 * views it serves. One that does not resolve is left out of the serving configuration (where it would stop the data
 * plane from loading it) and says why in its own status.
 */
public final class ServiceAssignment {
    private ServiceAssignment() {
    }

    /** A service resolved: the {@code view:feature} references it stands for, or why it cannot be served. */
    public record Resolution(List<String> features, String problem) {
        public boolean resolved() {
            return problem.isEmpty();
        }
    }

    /** @param servedViews the views the store serves ({@link ViewAssignment#servedBy}) */
    public static List<FeatureService> servedBy(FeatureStore store, Collection<FeatureService> services,
                                                List<FeatureView> servedViews) {
        return services.stream().filter(s -> names(s, store) && resolve(s, servedViews).resolved())
                .sorted(Comparator.comparing(s -> s.getMetadata().getName())).toList();
    }

    public static boolean names(FeatureService service, FeatureStore store) {
        return service.getSpec() != null && Objects.equals(service.getSpec().store(), store.getMetadata().getName())
                && Objects.equals(service.getMetadata().getNamespace(), store.getMetadata().getNamespace());
    }

    /** {@code service} against the views its store serves ({@link ViewAssignment#servedBy}). */
    public static Resolution resolve(FeatureService service, List<FeatureView> servedViews) {
        String invalid = SpecValidator.validate(service).stream().map(v -> v.field() + ": " + v.message())
                .collect(Collectors.joining("; "));
        if (!invalid.isEmpty()) {
            return new Resolution(List.of(), invalid);
        }
        Map<String, List<String>> features = new LinkedHashMap<>();
        servedViews.forEach(view -> features.put(view.getMetadata().getName(),
                FeatureServiceResolution.servedFeatures(view.getSpec())));
        try {
            return new Resolution(FeatureServiceResolution.resolve(service.getSpec(), features), "");
        } catch (IllegalArgumentException e) {
            return new Resolution(List.of(), "spec.features: " + e.getMessage());
        }
    }
}
