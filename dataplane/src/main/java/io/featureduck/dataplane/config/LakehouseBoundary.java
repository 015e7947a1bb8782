package io.featureduck.dataplane.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The locations a store's views may read: its lakehouse root and the extra roots the store lists
 * ({@code spec.lakehouse.allowedRoots}), nothing else. A view's path, a Hadoop catalog's warehouse and every path
 * rewrite target must lie inside one of them, so that whoever may write a FeatureView cannot point the data plane at
 * {@code /etc}, another team's bucket or the pod's service-account token.
 *
 * <p>Local paths are compared after normalisation and, where they exist, after resolving symbolic links, so neither
 * {@code ..} nor a link out of the lakehouse escapes. Object-store locations must share a root's bucket and lie under
 * its key prefix; keys with {@code ..} segments are refused outright.
 */
public final class LakehouseBoundary {
    private final List<TableLocation> roots;

    public LakehouseBoundary(List<TableLocation> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Why {@code location} is outside every root, or empty when it is inside one. */
    public Optional<String> refusal(TableLocation location) {
        return refusal(location.uri());
    }

    /** Why {@code location} (a path or object-store URI, already absolute) is outside every root. */
    public Optional<String> refusal(String location) {
        for (TableLocation root : roots) {
            if (contains(root, location)) {
                return Optional.empty();
            }
        }
        List<String> allowed = new ArrayList<>();
        roots.forEach(r -> allowed.add(r.uri()));
        return Optional.of("'" + location + "' is outside the store's lakehouse " + allowed + "; add its location to "
                + "the FeatureStore's spec.lakehouse.allowedRoots to allow it");
    }

    private static boolean contains(TableLocation root, String location) {
        boolean objectStore = ObjectPath.isObjectStore(location);
        if (objectStore != root.isObjectStore()) {
            return false;
        }
        if (objectStore) {
            ObjectPath inner = ObjectPath.parse(location);
            ObjectPath outer = ObjectPath.parse(root.uri());
            if (("/" + inner.key() + "/").contains("/../")) {
                return false;
            }
            return inner.authorityUri().equals(outer.authorityUri())
                    && (outer.key().isEmpty() || inner.key().equals(outer.key())
                    || inner.key().startsWith(outer.directoryPrefix()));
        }
        Path inner = real(Path.of(location.replaceFirst("[*?\\[{].*$", "")).toAbsolutePath().normalize());
        Path outer = real(root.path().toAbsolutePath().normalize());
        return inner.startsWith(outer);
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
