package io.featureduck.dataplane.source;

/**
 * A lakehouse table read through its format's own library. Implementations say which files make up a version;
 * DuckDB does the reading.
 */
public interface TableSource {

    /** The newest committed version. */
    TableSnapshot latestSnapshot();

    /** A given version, through the format's own time travel. */
    TableSnapshot snapshotAt(long version);

    /**
     * The version a FeatureView's {@code spec.source.version} names, in the format's own terms: by default a version
     * number as {@link #snapshotAt} takes it; Iceberg names snapshots by id.
     */
    default TableSnapshot snapshotNamed(long version) {
        return snapshotAt(version);
    }

    /** The version that was current at {@code time}; empty when the table did not exist yet. */
    java.util.OptionalLong versionAsOf(java.time.Instant time);

    /**
     * What changed from {@code older} to {@code newer}, two versions this source returned. By default the versions'
     * file lists are compared; a format with a change log can say it from the log instead.
     */
    default SnapshotChanges changes(TableSnapshot older, TableSnapshot newer) {
        return SnapshotChanges.between(older, newer);
    }

    /**
     * Whether {@code latest} is the version {@code served} was built from. Formats with a log number every change;
     * a source whose version numbers can miss a change says so by overriding this.
     */
    default boolean isSameVersion(TableSnapshot served, TableSnapshot latest) {
        return served.version() == latest.version();
    }

    /** The format's name, for messages and metrics. */
    String formatName();
}
