package io.featureduck.operator.dataplane;

import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.admission.Admission;
import java.util.List;
import java.util.Objects;

/**
 * Which FeatureServices a FeatureStore serves: those admitted with its views ({@link ViewAssignment#admit}); one
 * that does not resolve against the views the store serves is left out and says why in its own status.
 */
public final class ServiceAssignment {
    private ServiceAssignment() {}

    /** A service resolved: the {@code view:feature} references it stands for, or why it cannot be served. */
    public record Resolution(List<String> features, String problem) {
        public boolean resolved() {
            return problem.isEmpty();
        }
    }

    /** The services {@code admission} accepted, in its (name) order. */
    public static List<FeatureService> servedBy(Admission admission) {
        return List.copyOf(admission.services().keySet());
    }

    public static boolean names(FeatureService service, FeatureStore store) {
        return service.getSpec() != null
                && Objects.equals(service.getSpec().store(), store.getMetadata().getName())
                && Objects.equals(
                        service.getMetadata().getNamespace(),
                        store.getMetadata().getNamespace());
    }

    /** What {@code admission} decided about {@code service}. */
    public static Resolution resolution(Admission admission, FeatureService service) {
        List<String> features = admission.services().get(service);
        if (features != null) {
            return new Resolution(features, "");
        }
        return new Resolution(
                List.of(),
                admission
                        .refusedServices()
                        .getOrDefault(service.getMetadata().getName(), String.join("; ", admission.storeProblems())));
    }
}
