package io.featureduck.dataplane.config;

import java.util.List;

/**
 * A FeatureService resolved against the views of its store: every {@code view:*} expanded to the view's served
 * features, in answer order.
 *
 * @param name     the name clients ask for ({@code feature_service})
 * @param features the features it stands for
 */
public record FeatureServiceDefinition(String name, List<FeatureRef> features) {
    public FeatureServiceDefinition {
        features = List.copyOf(features);
    }
}
