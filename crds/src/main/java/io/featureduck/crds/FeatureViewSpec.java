package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A set of features read from one table, keyed by its entities.
 *
 * @param store           name of the FeatureStore serving this view
 * @param source          the table and its time columns
 * @param entities        join keys, in the order clients name them
 * @param features        served features
 * @param ttl             how old a value may be and still be served, e.g. {@code 48h}; absent means no expiry
 * @param online          whether the view is loaded for online serving (default true)
 * @param refreshInterval how often the table is checked for a new version, e.g. {@code 1m}
 * @param description     free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureViewSpec(String store, SourceSpec source, List<EntitySpec> entities, List<FeatureSpec> features,
                              String ttl, Boolean online, String refreshInterval, String description) {
    public FeatureViewSpec {
        entities = entities == null ? List.of() : List.copyOf(entities);
        features = features == null ? List.of() : List.copyOf(features);
    }

    public boolean isOnline() {
        return online == null || online;
    }
}
