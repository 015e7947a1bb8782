package io.featureduck.dataplane;

import java.nio.file.Files;
import java.nio.file.Path;

/** The conformance tables written by other engines, beside the project root ({@code ../shared/testdata}). */
public final class SharedTestData {
    private SharedTestData() {}

    public static Path projectRoot() {
        Path module =
                Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        return Files.exists(module.resolve("crds")) ? module : module.getParent();
    }

    public static Path iceberg(String table) {
        Path path = projectRoot()
                .resolve("../shared/testdata/iceberg")
                .resolve(table)
                .normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("shared test table missing: " + path);
        }
        return path;
    }

    /** A Hudi table, named by its folder under {@code hudi/}, such as {@code cow/v6_nonpartitioned}. */
    public static Path hudi(String table) {
        Path path =
                projectRoot().resolve("../shared/testdata/hudi").resolve(table).normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("shared test table missing: " + path);
        }
        return path;
    }

    public static Path delta(String table) {
        Path path =
                projectRoot().resolve("../shared/testdata/delta").resolve(table).normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("shared test table missing: " + path
                    + " (the conformance tables are expected in ../shared/testdata beside the project root)");
        }
        return path;
    }
}
