package io.featureduck.dataplane.source;

/**
 * A lakehouse table read through its format's own library. Implementations say which files make up a version;
 * DuckDB does the reading.
 */
public interface TableSource {

    /** The newest committed version. */
    TableSnapshot latestSnapshot();

    /** The format's name, for messages and metrics. */
    String formatName();
}
