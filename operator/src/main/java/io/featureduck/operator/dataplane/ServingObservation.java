package io.featureduck.operator.dataplane;

import java.util.List;

/**
 * What the operator last saw of one FeatureView on its store's data plane: the answer of every ready data-plane pod
 * (or of the one configured address), in the order of {@code urls}. No URLs means no pod was ready.
 */
public record ServingObservation(List<String> urls, List<DataPlaneClient.Answer> answers) {
    public ServingObservation {
        urls = List.copyOf(urls);
        answers = List.copyOf(answers);
        if (urls.size() != answers.size()) {
            throw new IllegalArgumentException("one answer per URL");
        }
    }

    public static ServingObservation noReadyPods() {
        return new ServingObservation(List.of(), List.of());
    }
}
