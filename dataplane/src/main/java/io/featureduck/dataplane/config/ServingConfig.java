package io.featureduck.dataplane.config;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One FeatureStore and the views it serves, as read from one YAML file.
 *
 * @param root     the store's lakehouse root as this process reads it (the spec's, or the one the command line set)
 * @param services the store's feature services, resolved against its views
 * @param refused  the FeatureViews of the file that are not served, by name, each with why: a view whose definition
 *                 breaks a rule is left out alone, and the store's other views serve
 * @param refusedServices the FeatureServices of the file that are not served, by name, each with why
 */
public record ServingConfig(
        Path file,
        FeatureStore store,
        List<ViewDefinition> views,
        TableLocation root,
        List<FeatureServiceDefinition> services,
        Map<String, String> refused,
        Map<String, String> refusedServices) {
    public ServingConfig {
        views = List.copyOf(views);
        services = List.copyOf(services);
        refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
        refusedServices = Collections.unmodifiableMap(new LinkedHashMap<>(refusedServices));
    }

    /** A configuration whose every feature service is served. */
    public ServingConfig(
            Path file,
            FeatureStore store,
            List<ViewDefinition> views,
            TableLocation root,
            List<FeatureServiceDefinition> services,
            Map<String, String> refused) {
        this(file, store, views, root, services, refused, Map.of());
    }

    /** A configuration whose every view is served. */
    public ServingConfig(
            Path file,
            FeatureStore store,
            List<ViewDefinition> views,
            TableLocation root,
            List<FeatureServiceDefinition> services) {
        this(file, store, views, root, services, Map.of());
    }

    /** A configuration without feature services whose root is the spec's, resolved against the file's directory. */
    public ServingConfig(Path file, FeatureStore store, List<ViewDefinition> views) {
        this(
                file,
                store,
                views,
                TableLocation.resolve(
                        store.spec().lakehouse().root(), file.toAbsolutePath().getParent()),
                List.of());
    }

    /** Why view {@code name} is not served: refused (and why), or not in the configuration at all. */
    public static FeatureDuckException notServed(String name, Optional<String> refusal) {
        return refusal.map(reason -> FeatureDuckException.ofView(
                        ErrorCode.VIEW_REFUSED, name, "not served: its " + "definition was refused: " + reason))
                .orElseGet(() -> new FeatureDuckException(
                        ErrorCode.UNKNOWN_FEATURE_VIEW,
                        "feature view '" + name + "' is not served here; GET /v1/views lists the views"));
    }

    public Optional<FeatureServiceDefinition> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Feature service {@code name} as a lookup asks for it: served, or not here at all (empty).
     *
     * @throws FeatureDuckException {@code FEATURE_SERVICE_REFUSED} naming why, when the file defines it but it was
     *     refused (it names a feature no served view has)
     */
    public Optional<FeatureServiceDefinition> servedService(String name) {
        Optional<FeatureServiceDefinition> served = service(name);
        String refusal = refusedServices.get(name);
        if (served.isEmpty() && refusal != null) {
            throw new FeatureDuckException(
                    ErrorCode.FEATURE_SERVICE_REFUSED,
                    "feature service '" + name + "' is not served: its definition was refused: " + refusal);
        }
        return served;
    }

    public DataPlaneSpec dataPlane() {
        return store.spec().effectiveDataPlane();
    }

    public Optional<ViewDefinition> view(String name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
