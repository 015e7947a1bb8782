package io.featureduck.dataplane.config;

import io.featureduck.crds.CatalogSpec;
import io.featureduck.crds.PathRewrite;
import io.featureduck.crds.location.LakehouseRoots;
import io.featureduck.crds.location.ObjectPath;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a table lives, and how to map the paths its metadata names onto where the files are now.
 *
 * @param uri      an absolute local path, or an object-store URI such as {@code s3://bucket/tables/drivers}
 * @param rewrites prefix rewrites for paths named in the table's metadata, first match wins
 * @param table    for a DuckDB database file, the table inside it; with a catalog, the table it names; else null
 * @param catalog  the Iceberg catalog naming the table, or null when the path is the table
 */
public record TableLocation(String uri, List<PathRewrite> rewrites, String table, CatalogSpec catalog) {
    public TableLocation {
        rewrites = List.copyOf(rewrites);
        if (ObjectPath.isObjectStore(uri)) {
            uri = ObjectPath.parse(uri).uri();
        }
    }

    public TableLocation(Path path, List<PathRewrite> rewrites) {
        this(path.toAbsolutePath().normalize().toString(), rewrites, null, null);
    }

    public TableLocation(Path path) {
        this(path, List.of());
    }

    /** An object-store location, such as {@code s3://bucket/tables/drivers}. */
    public static TableLocation of(String uri) {
        return new TableLocation(uri, List.of(), null, null);
    }

    public TableLocation withRewrites(List<PathRewrite> pathRewrites) {
        return new TableLocation(uri, pathRewrites, table, catalog);
    }

    public TableLocation withTable(String databaseTable) {
        return new TableLocation(uri, rewrites, databaseTable, catalog);
    }

    public TableLocation withCatalog(CatalogSpec tableCatalog) {
        return new TableLocation(uri, rewrites, table, tableCatalog);
    }

    public boolean isObjectStore() {
        return ObjectPath.isObjectStore(uri);
    }

    /**
     * The location as a local path.
     *
     * @throws IllegalStateException for an object-store location, which has none
     */
    public Path path() {
        if (isObjectStore()) {
            throw new IllegalStateException(uri + " is on an object store, not a local path");
        }
        return Path.of(uri);
    }

    /** The location as Hadoop names it, for the table libraries' Hadoop-based readers. */
    public org.apache.hadoop.fs.Path hadoopPath() {
        return isObjectStore() ? new org.apache.hadoop.fs.Path(uri) : new org.apache.hadoop.fs.Path(path().toUri());
    }

    /** {@code relative} below this location, for a table directory under a store's root. */
    public TableLocation child(String relative) {
        if (isObjectStore()) {
            return new TableLocation(ObjectPath.parse(uri).resolve(relative).uri(), rewrites, table, catalog);
        }
        return new TableLocation(path().resolve(relative), rewrites)
                .withTable(table)
                .withCatalog(catalog);
    }

    /**
     * The directories DuckDB may read for this table: the location without any glob part (for a single file, its
     * directory; for an Iceberg metadata file, the table directory above {@code metadata/}), and every local
     * rewrite target, where relocated files now live. An object-store table has none: DuckDB reads local copies
     * of its files in the file cache.
     */
    public List<Path> readableRoots() {
        List<Path> roots = new java.util.ArrayList<>();
        if (!isObjectStore()) {
            Path base = path();
            while (base.getParent() != null && base.toString().matches(".*[*?\\[{].*")) {
                base = base.getParent();
            }
            if (base.getFileName() != null
                    && base.getFileName().toString().endsWith(".metadata.json")
                    && base.getParent() != null
                    && base.getParent().getParent() != null) {
                base = base.getParent().getParent();
            } else if (java.nio.file.Files.isRegularFile(base)) {
                base = base.getParent();
            }
            roots.add(base);
        }
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
     * Resolves {@code text} (an object-store URI, an absolute path, a {@code file:} URI, or a relative path) against
     * {@code base}.
     */
    public static TableLocation resolve(String text, Path base) {
        return resolve(text, new TableLocation(base));
    }

    /** Resolves {@code text} against {@code base}, which may itself be on an object store (as admission does). */
    public static TableLocation resolve(String text, TableLocation base) {
        return of(LakehouseRoots.resolve(text, base.uri()));
    }

    /** A catalog URI as it may be shown: without user information or query, where credentials can hide. */
    private static String withoutCredentials(String catalogUri) {
        try {
            URI parsed = URI.create(catalogUri);
            return new URI(parsed.getScheme(), null, parsed.getHost(), parsed.getPort(), parsed.getPath(), null, null)
                    .toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "<catalog uri>";
        }
    }

    @Override
    public String toString() {
        return catalog == null
                ? uri
                : catalog.type().wireName() + " catalog "
                        + (catalog.uri() != null ? withoutCredentials(catalog.uri()) : uri) + ", table " + table;
    }
}
