package io.featureduck.dataplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a serving configuration for tests: a store {@code lake} over {@code lakehouse/} and one view {@code scores}. */
public final class ServingYaml {
    private ServingYaml() {}

    /**
     * Writes {@code directory/store.yaml}: the store in {@code format}, and a view {@code scores} whose spec, below
     * {@code store: lake}, is {@code viewSpec} (YAML lines indented by two spaces).
     */
    public static Path write(Path directory, String format, String viewSpec) {
        return write(directory, format, "", viewSpec);
    }

    /** As {@link #write(Path, String, String)}, with {@code lakehouse} (YAML flow entries) added to the store's lakehouse. */
    public static Path write(Path directory, String format, String lakehouse, String viewSpec) {
        Path file = directory.resolve("store.yaml");
        try {
            Files.writeString(file, """
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureStore
                    metadata: {name: lake}
                    spec:
                      lakehouse: {format: %s, root: lakehouse%s}
                      dataPlane: {auth: {type: none}}
                    ---
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureView
                    metadata: {name: scores}
                    spec:
                      store: lake
                    %s""".formatted(
                            format,
                            lakehouse.isEmpty() ? "" : ", " + lakehouse,
                            viewSpec.stripIndent().indent(2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
