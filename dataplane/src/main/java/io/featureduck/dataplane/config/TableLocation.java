package io.featureduck.dataplane.config;

import io.featureduck.crds.CatalogSpec;
import io.featureduck.crds.PathRewrite;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a table lives, and how to map the paths its metadata names onto where the files are now. Only local paths
 * for now; object-store URIs are recognised so that they are refused with a clear message instead of being mistaken
 * for relative paths.
 *
 * @param rewrites prefix rewrites for paths named in the table's metadata, first match wins
 * @param table    for a DuckDB database file, the table inside it; with a catalog, the table it names; else null
 * @param catalog  the Iceberg catalog naming the table, or null when the path is the table
 */
public record TableLocation(Path path, List<PathRewrite> rewrites, String table, CatalogSpec catalog) {
    public TableLocation {
        rewrites = List.copyOf(rewrites);
    }

    public TableLocation(Path path, List<PathRewrite> rewrites) {
        this(path, rewrites, null, null);
    }

    public TableLocation(Path path) {
        this(path, List.of());
    }

    public TableLocation withRewrites(List<PathRewrite> pathRewrites) {
        return new TableLocation(path, pathRewrites, table, catalog);
    }

    public TableLocation withTable(String databaseTable) {
        return new TableLocation(path, rewrites, databaseTable, catalog);
    }

    public TableLocation withCatalog(CatalogSpec tableCatalog) {
        return new TableLocation(path, rewrites, table, tableCatalog);
    }

    /**
     * The directories DuckDB may read for this table: the location without any glob part (for a single file, its
     * directory; for an Iceberg metadata file, the table directory above {@code metadata/}), and every local
     * rewrite target, where relocated files now live.
     */
    public List<Path> readableRoots() {
        List<Path> roots = new java.util.ArrayList<>();
        Path base = path;
        while (base.getParent() != null && base.toString().matches(".*[*?\\[{].*")) {
            base = base.getParent();
        }
        if (base.getFileName() != null && base.getFileName().toString().endsWith(".metadata.json")
                && base.getParent() != null && base.getParent().getParent() != null) {
            base = base.getParent().getParent();
        } else if (java.nio.file.Files.isRegularFile(base)) {
            base = base.getParent();
        }
        roots.add(base);
        for (PathRewrite rewrite : rewrites) {
            if (rewrite.to().startsWith("/")) {
                roots.add(Path.of(rewrite.to()));
            }
        }
        return roots;
    }

    /** {@code metadataPath} with the first matching rewrite applied, or as it is when none matches. */
    public String rewrite(String metadataPath) {
        for (PathRewrite rewrite : rewrites) {
            if (metadataPath.startsWith(rewrite.from())) {
                return rewrite.to() + metadataPath.substring(rewrite.from().length());
            }
        }
        return metadataPath;
    }

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
        return catalog == null ? path.toString() : catalog.type() + " catalog " + (catalog.uri() != null ? catalog.uri()
                : path.toString()) + ", table " + table;
    }
}
