package io.featureduck.dataplane.config;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One FeatureStore and the views it serves, as read from one YAML file. */
public record ServingConfig(Path file, FeatureStore store, List<ViewDefinition> views) {
    public ServingConfig {
        views = List.copyOf(views);
    }

    public DataPlaneSpec dataPlane() {
        return store.spec().effectiveDataPlane();
    }

    public Optional<ViewDefinition> view(String name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
