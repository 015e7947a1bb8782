package io.featureduck.dataplane.config;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One FeatureStore and the views it serves, as read from one YAML file.
 *
 * @param root the store's lakehouse root as this process reads it (the spec's, or the one the command line set)
 */
public record ServingConfig(Path file, FeatureStore store, List<ViewDefinition> views, TableLocation root) {
    public ServingConfig {
        views = List.copyOf(views);
    }

    /** A configuration whose root is the spec's, resolved against the file's directory. */
    public ServingConfig(Path file, FeatureStore store, List<ViewDefinition> views) {
        this(file, store, views, TableLocation.resolve(store.spec().lakehouse().root(), file.toAbsolutePath().getParent()));
    }

    public DataPlaneSpec dataPlane() {
        return store.spec().effectiveDataPlane();
    }

    public Optional<ViewDefinition> view(String name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
