package io.featureduck.dataplane.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Feast repository whose whole configuration is FeatureDuck: a {@code feature_store.yaml} naming one data plane as
 * Feast's registry (its gRPC port), online store (its HTTP port) and offline store (its Arrow Flight port), with no
 * Python feature definitions. The form {@code docs/FEAST.md} documents, for a data plane on this machine without
 * authentication, as the demo serves.
 */
public final class FeastRepository {
    private FeastRepository() {}

    /**
     * Writes {@code directory/feature_store.yaml}.
     *
     * @return the file written
     */
    public static Path write(Path directory, String project, String host, int httpPort, int grpcPort, int offlinePort)
            throws IOException {
        Files.createDirectories(directory);
        return Files.writeString(directory.resolve("feature_store.yaml"), """
                # Feast's Python SDK against FeatureDuck: no Python definitions, FeatureDuck is the registry and both
                # stores. The definitions are FeatureDuck's (the FeatureView and FeatureService resources).
                project: %s
                provider: local
                registry:
                  registry_type: remote
                  path: %s:%d
                online_store:
                  type: remote
                  path: http://%s:%d
                offline_store:
                  type: remote
                  host: %s
                  port: %d
                auth:
                  type: no_auth
                entity_key_serialization_version: 3
                """.formatted(
                        project, host, grpcPort, host, httpPort, host, offlinePort));
    }
}
