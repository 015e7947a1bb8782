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

    /**
     * {@code snapshot}'s version as the format's other readers name it, for Spark's time travel: by default its
     * number (Delta's version, Hudi's instant time); Iceberg names snapshots by id.
     */
    default String formatVersion(TableSnapshot snapshot) {
        return Long.toString(snapshot.version());
    }

    /** The version that was current at {@code time}; empty when the table did not exist yet. */
    java.util.OptionalLong versionAsOf(java.time.Instant time);

    /**
     * Every version current at some time from {@code from} to {@code to}, oldest first; none when the table did not
     * exist by {@code to}. By default the version numbers between the two, which Delta and Iceberg number one by one;
     * a format whose versions are not consecutive numbers (Hudi's instant times) names them itself.
     */
    default java.util.List<Long> versionsBetween(java.time.Instant from, java.time.Instant to) {
        java.util.OptionalLong last = versionAsOf(to);
        if (last.isEmpty()) {
            return java.util.List.of();
        }
        return java.util.stream.LongStream.rangeClosed(versionAsOf(from).orElse(0), last.getAsLong())
                .boxed()
                .toList();
    }

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
