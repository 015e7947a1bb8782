package io.featureduck.dataplane.config;

import io.featureduck.crds.location.LakehouseRoots;
import io.featureduck.crds.location.ObjectPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The half of the lakehouse boundary ({@link LakehouseRoots}) only a process that sees the files can check: a local
 * location that is inside a root by name must stay inside it once symbolic links are followed, so no link leads a
 * view out of the lakehouse. Admission has already checked every location by name.
 */
public final class LakehouseBoundary {
    private final LakehouseRoots roots;

    public LakehouseBoundary(LakehouseRoots roots) {
        this.roots = roots;
    }

    /** Why {@code location} (canonical, inside a root by name) leads outside every root; empty when it does not. */
    public Optional<String> refusal(String location) {
        if (ObjectPath.isObjectStore(location)) {
            return Optional.empty();
        }
        Path inner = real(LakehouseRoots.withoutGlob(location));
        for (String root : roots.roots()) {
            if (!ObjectPath.isObjectStore(root)
                    && inner.startsWith(real(Path.of(root).toAbsolutePath().normalize()))) {
                return Optional.empty();
            }
        }
        return Optional.of(roots.outside(location));
    }

    /** The path with symbolic links resolved as far as it exists, so a link cannot lead out of a root. */
    private static Path real(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            return path;
        }
    }
}
