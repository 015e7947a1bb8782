package io.featureduck.crds.location;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The locations a store's views may read: its lakehouse root and the further roots it lists
 * ({@code spec.lakehouse.allowedRoots}), nothing else. A view's path, a Hadoop catalog's warehouse and every path
 * rewrite target must lie inside one of them, so that whoever may write a FeatureView cannot point the data plane at
 * {@code /etc}, another team's bucket or the pod's service-account token.
 *
 * <p>This is the lexical half of the rule, decided the same way wherever a definition is admitted: local paths are
 * compared after normalisation, object-store locations must share a root's bucket and lie under its key prefix, and
 * keys with {@code ..} segments are refused outright. A data plane, which sees the files, also follows symbolic links.
 *
 * @param roots canonical locations: absolute local paths or object-store URIs
 */
public record LakehouseRoots(List<String> roots) {
    public LakehouseRoots {
        roots = List.copyOf(roots);
    }

    /**
     * {@code text} (an object-store URI, an absolute path, a {@code file:} URI, or a relative path) resolved against
     * {@code base} (an absolute path or an object-store URI), in canonical form. Nothing is read.
     *
     * @throws IllegalArgumentException for an unsupported scheme or a malformed URI, saying which forms are accepted
     */
    public static String resolve(String text, String base) {
        String trimmed = text.trim();
        if (trimmed.startsWith("file:")) {
            return Path.of(URI.create(trimmed)).normalize().toString();
        }
        if (trimmed.contains("://")) {
            return ObjectPath.parse(trimmed).uri();
        }
        Path path = Path.of(trimmed);
        if (path.isAbsolute()) {
            return path.normalize().toString();
        }
        if (ObjectPath.isObjectStore(base)) {
            return ObjectPath.parse(base).resolve(trimmed).uri();
        }
        return Path.of(base).resolve(path).normalize().toString();
    }

    /** Why {@code location} (canonical, as {@link #resolve} gives it) is outside every root; empty when inside one. */
    public Optional<String> refusal(String location) {
        if (roots.stream().anyMatch(root -> contains(root, location))) {
            return Optional.empty();
        }
        return Optional.of(outside(location));
    }

    /** The refusal of a location outside every root, also where following a link leads outside. */
    public String outside(String location) {
        return "'" + location + "' is outside the store's lakehouse " + roots + "; add its location to the "
                + "FeatureStore's spec.lakehouse.allowedRoots to allow it";
    }

    private static boolean contains(String root, String location) {
        boolean objectStore = ObjectPath.isObjectStore(location);
        if (objectStore != ObjectPath.isObjectStore(root)) {
            return false;
        }
        if (objectStore) {
            ObjectPath inner = ObjectPath.parse(location);
            ObjectPath outer = ObjectPath.parse(root);
            if (("/" + inner.key() + "/").contains("/../")) {
                return false;
            }
            return inner.authorityUri().equals(outer.authorityUri())
                    && (outer.key().isEmpty()
                            || inner.key().equals(outer.key())
                            || inner.key().startsWith(outer.directoryPrefix()));
        }
        return withoutGlob(location).startsWith(Path.of(root).normalize());
    }

    /** A local location up to its first glob character: the directory a pattern such as {@code data/*.parquet} reads. */
    public static Path withoutGlob(String location) {
        return Path.of(location.replaceFirst("[*?\\[{].*$", ""))
                .toAbsolutePath()
                .normalize();
    }
}
