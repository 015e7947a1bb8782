package io.featureduck.operator.dataplane;

import java.util.List;

/**
 * What the operator last saw of one FeatureView on its store's data plane: the answer of every ready data-plane pod
 * (or of the one configured address). No answers means no pod was ready.
 */
public record ServingObservation(List<DataPlaneClient.Answer> answers) {
    public ServingObservation {
        answers = List.copyOf(answers);
    }

    public static ServingObservation noReadyPods() {
        return new ServingObservation(List.of());
    }
}
