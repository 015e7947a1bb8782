package io.featureduck.dataplane.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a table lives. Only local paths for now; object-store URIs are recognised so that they are refused with a
 * clear message instead of being mistaken for relative paths.
 */
public record TableLocation(Path path) {

    /**
     * Resolves {@code text} (an absolute path, a {@code file:} URI, or a relative path) against {@code base}.
     */
    public static TableLocation resolve(String text, Path base) {
        String trimmed = text.trim();
        if (trimmed.startsWith("file:")) {
            return new TableLocation(Path.of(URI.create(trimmed)).normalize());
        }
        int scheme = trimmed.indexOf("://");
        if (scheme > 0) {
            throw new IllegalArgumentException("'" + trimmed + "': " + trimmed.substring(0, scheme)
                    + ":// locations are not supported yet; use a local path or a file: URI");
        }
        Path path = Path.of(trimmed);
        return new TableLocation((path.isAbsolute() ? path : base.resolve(path)).toAbsolutePath().normalize());
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
