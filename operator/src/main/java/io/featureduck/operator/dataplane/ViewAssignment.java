package io.featureduck.operator.dataplane;

import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.admission.Admission;
import io.featureduck.crds.admission.AdmittedView;
import io.featureduck.crds.admission.StoreAdmission;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which FeatureViews and FeatureServices a FeatureStore serves: those in its namespace that name it and pass
 * {@link StoreAdmission}, the same admission the data plane runs on the file the operator writes. A refused
 * definition is left out of the serving configuration, where it would be refused again, and its own status says why.
 */
public final class ViewAssignment {
    private ViewAssignment() {}

    /** Admission of the store's views and services, sorted by name so that the same resources decide the same. */
    public static Admission admit(
            FeatureStore store, Collection<FeatureView> views, Collection<FeatureService> services) {
        List<FeatureView> named = views.stream()
                .filter(v -> names(v, store))
                .sorted(Comparator.comparing(v -> v.getMetadata().getName()))
                .toList();
        List<FeatureService> namedServices = services.stream()
                .filter(s -> ServiceAssignment.names(s, store))
                .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
                .toList();
        return StoreAdmission.admit(store, named, namedServices, StoreAdmission.Placement.inCluster());
    }

    /** The views the store serves, sorted by name. */
    public static List<FeatureView> servedBy(FeatureStore store, Collection<FeatureView> views) {
        return admit(store, views, List.of()).views().stream()
                .map(AdmittedView::view)
                .toList();
    }

    /** The store a view names, as the informers map a view to it: none while the view names none. */
    public static Set<ResourceID> storeOf(FeatureView view) {
        return view.getSpec() == null || view.getSpec().store() == null
                ? Set.of()
                : Set.of(new ResourceID(
                        view.getSpec().store(), view.getMetadata().getNamespace()));
    }

    public static boolean names(FeatureView view, FeatureStore store) {
        return view.getSpec() != null
                && Objects.equals(view.getSpec().store(), store.getMetadata().getName())
                && Objects.equals(
                        view.getMetadata().getNamespace(), store.getMetadata().getNamespace());
    }
}
