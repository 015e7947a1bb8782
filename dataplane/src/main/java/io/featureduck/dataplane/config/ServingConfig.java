package io.featureduck.dataplane.config;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One FeatureStore and the views it serves, as read from one YAML file.
 *
 * @param root     the store's lakehouse root as this process reads it (the spec's, or the one the command line set)
 * @param services the store's feature services, resolved against its views
 */
public record ServingConfig(Path file, FeatureStore store, List<ViewDefinition> views, TableLocation root,
                            List<FeatureServiceDefinition> services) {
    public ServingConfig {
        views = List.copyOf(views);
        services = List.copyOf(services);
    }

    /** A configuration without feature services whose root is the spec's, resolved against the file's directory. */
    public ServingConfig(Path file, FeatureStore store, List<ViewDefinition> views) {
        this(file, store, views, TableLocation.resolve(store.spec().lakehouse().root(), file.toAbsolutePath().getParent()),
                List.of());
    }

    public Optional<FeatureServiceDefinition> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public DataPlaneSpec dataPlane() {
        return store.spec().effectiveDataPlane();
    }

    public Optional<ViewDefinition> view(String name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
