package io.featureduck.operator.dataplane;

import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.SpecValidator;
import io.featureduck.crds.Violation;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which FeatureViews a FeatureStore serves: those in its namespace that name it in {@code spec.store} and are valid.
 * An invalid view is left out rather than written into the serving configuration, where it would stop the data
 * plane from loading any view; its own status says why.
 */
public final class ViewAssignment {
    private ViewAssignment() {
    }

    public static List<FeatureView> servedBy(FeatureStore store, Collection<FeatureView> views) {
        return views.stream()
                .filter(v -> names(v, store) && problems(v).isEmpty())
                .sorted(Comparator.comparing(v -> v.getMetadata().getName()))
                .toList();
    }

    public static boolean names(FeatureView view, FeatureStore store) {
        return view.getSpec() != null && Objects.equals(view.getSpec().store(), store.getMetadata().getName())
                && Objects.equals(view.getMetadata().getNamespace(), store.getMetadata().getNamespace());
    }

    /** What is wrong with the view's spec, as one message; empty when it is valid. */
    public static String problems(FeatureView view) {
        List<Violation> violations = SpecValidator.validate(view);
        return violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; "));
    }
}
