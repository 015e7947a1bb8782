package io.featureduck.dataplane.source;

import java.util.List;

/**
 * A file of deleted rows that applies to one data file (Iceberg v2 delete files; the table format decides which
 * delete files apply to which data files, by partition and sequence number).
 *
 * @param path            absolute local path of the delete file (Parquet)
 * @param equalityColumns for an equality delete, the columns whose values identify deleted rows (a row is deleted
 *                        when every one equals, nulls equal to nulls); empty for a position delete
 * @param dataFileName    for a position delete, the data file's path as the delete file records it, which is the
 *                        path in the table metadata before any rewriting
 */
public record DeleteFile(String path, List<String> equalityColumns, String dataFileName) {
    public DeleteFile {
        equalityColumns = List.copyOf(equalityColumns);
    }

    public static DeleteFile positions(String path, String dataFileName) {
        return new DeleteFile(path, List.of(), dataFileName);
    }

    public static DeleteFile equality(String path, List<String> columns) {
        return new DeleteFile(path, columns, null);
    }

    public boolean isEquality() {
        return !equalityColumns.isEmpty();
    }
}
