package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The table a view reads.
 *
 * @param format                 table format; the store's format when absent
 * @param path                   table location: absolute, a {@code file:} URI, or relative to the store's root
 * @param timestampColumn        event-time column; absent makes this a snapshot view (one row per key, kept current
 *                               by MERGE/UPDATE), whose event time is the commit time of the table version
 * @param createdTimestampColumn breaks ties between rows with the same event time: the later one wins
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSpec(TableFormat format, String path, String timestampColumn, String createdTimestampColumn) {
    public boolean isSnapshot() {
        return timestampColumn == null || timestampColumn.isBlank();
    }
}
