package io.featureduck.dataplane.source;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Parquet file of a table version.
 *
 * @param path            absolute local path
 * @param sizeBytes       file size
 * @param partitionValues partition column name to value ({@code null} for a null partition); values are
 *                        {@code Boolean}, {@code Byte}, {@code Short}, {@code Integer}, {@code Long}, {@code Float},
 *                        {@code Double}, {@code String}, {@code byte[]}, {@code BigDecimal}, {@code LocalDate},
 *                        {@code Instant} (timestamp) or {@code LocalDateTime} (timestamp without zone)
 *                        (Iceberg: only the identity partitions of the file's own partition spec)
 * @param deletedRows     row positions in the file that the table has deleted, ascending; empty when none
 * @param deletes         delete files that apply to this file (Iceberg position and equality deletes)
 */
public record DataFile(
        String path,
        long sizeBytes,
        Map<String, Object> partitionValues,
        long[] deletedRows,
        List<DeleteFile> deletes) {
    public DataFile {
        // Map.copyOf rejects null values, and a null partition value is meaningful.
        partitionValues = Collections.unmodifiableMap(new HashMap<>(partitionValues));
        deletedRows = deletedRows.clone();
        deletes = List.copyOf(deletes);
    }

    public DataFile(String path, long sizeBytes, Map<String, Object> partitionValues, long[] deletedRows) {
        this(path, sizeBytes, partitionValues, deletedRows, List.of());
    }

    /** A file URI as a data file is named: a local path, or {@code scheme://authority/decoded key}. */
    public static String pathOf(java.net.URI uri) {
        if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
            return java.nio.file.Path.of(uri.getPath()).normalize().toString();
        }
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getPath();
    }

    public boolean hasDeletedRows() {
        return deletedRows.length > 0;
    }
}
