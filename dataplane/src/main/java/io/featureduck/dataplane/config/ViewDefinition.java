package io.featureduck.dataplane.config;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.TableFormat;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A FeatureView resolved against its store: the format and location are absolute and the durations parsed. This is
 * what every serving component works from, online and historical alike.
 */
public record ViewDefinition(String name, TableFormat format, TableLocation location, String timestampColumn,
                             String createdTimestampColumn, List<EntitySpec> entities, List<FeatureSpec> features,
                             Optional<Duration> ttl, boolean online, Optional<Duration> refreshInterval) {

    public ViewDefinition {
        entities = List.copyOf(entities);
        features = List.copyOf(features);
    }

    public boolean isSnapshot() {
        return timestampColumn == null;
    }

    public Optional<FeatureSpec> feature(String featureName) {
        return features.stream().filter(f -> f.name().equals(featureName)).findFirst();
    }

    public List<String> featureNames() {
        return features.stream().map(FeatureSpec::name).toList();
    }

    public List<String> entityNames() {
        return entities.stream().map(EntitySpec::name).toList();
    }
}
