package io.featureduck.dataplane.duckdb;

import java.nio.file.Path;

/**
 * The entity rows of a historical request (join keys, {@code event_timestamp}, any other columns), as a file DuckDB
 * reads directly: newline-delimited JSON from the HTTP API, or a user's CSV or Parquet file.
 */
public record EntityRows(Path file, Format format) implements EntitySelection {
    /** The time column of entity rows, named as in Feast's entity dataframe. */
    public static final String TIMESTAMP_COLUMN = "event_timestamp";

    public enum Format {
        NDJSON,
        CSV,
        PARQUET
    }

    public static EntityRows of(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        Format format = name.endsWith(".parquet") ? Format.PARQUET : name.endsWith(".csv") ? Format.CSV : Format.NDJSON;
        return new EntityRows(file.toAbsolutePath().normalize(), format);
    }
}
