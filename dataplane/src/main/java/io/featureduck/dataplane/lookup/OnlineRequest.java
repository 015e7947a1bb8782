package io.featureduck.dataplane.lookup;

import io.featureduck.dataplane.config.FeatureRef;
import java.util.List;
import java.util.Optional;

/**
 * An online request as every API states it: features by reference or one feature service, the entities' join keys,
 * the request data for on-demand features, and how answer columns are named.
 *
 * @param features       {@code view:feature} references as sent; empty when {@code featureService} names them
 * @param featureService a feature service standing for the features
 * @param entities       join-key columns
 * @param requestData    request-data columns (may be {@code entities} itself, as Feast's Python server sends them)
 * @param fullNames      whether answer columns are named {@code view__feature}
 */
public record OnlineRequest(
        FeatureList features,
        Optional<String> featureService,
        RequestColumns entities,
        RequestColumns requestData,
        boolean fullNames) {
    public OnlineRequest(
            List<FeatureRef> features,
            Optional<String> featureService,
            RequestColumns entities,
            RequestColumns requestData,
            boolean fullNames) {
        this(FeatureList.of(features), featureService, entities, requestData, fullNames);
    }
}
