package io.featureduck.dataplane.source;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed between two versions of a table, from the files each version consists of: the same answer for every
 * format, derived from the metadata the format already gives. A version that only added files (with no deleted rows
 * of their own) under the same schema is an append, which a refresh can apply by reading just those files; anything
 * else (removed or rewritten files, new deletes, a schema change) needs a rebuild.
 *
 * @param added         files in the newer version only
 * @param removed       files in the older version only, or whose deleted rows changed
 * @param schemaChanged whether the columns differ
 */
public record SnapshotChanges(List<DataFile> added, List<DataFile> removed, boolean schemaChanged) {
    public SnapshotChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    public static SnapshotChanges between(TableSnapshot older, TableSnapshot newer) {
        if (older.databaseTable().isPresent() || newer.databaseTable().isPresent()) {
            // A database file names no data files: every new version is a rewrite.
            return new SnapshotChanges(List.of(), List.of(), true);
        }
        Map<String, DataFile> before = new HashMap<>();
        older.dataFiles().forEach(f -> before.put(f.path(), f));
        Map<String, DataFile> after = new HashMap<>();
        newer.dataFiles().forEach(f -> after.put(f.path(), f));
        List<DataFile> added = newer.dataFiles().stream()
                .filter(f -> !same(before.get(f.path()), f))
                .toList();
        List<DataFile> removed = older.dataFiles().stream()
                .filter(f -> !same(f, after.get(f.path())))
                .toList();
        return new SnapshotChanges(added, removed, !older.columns().equals(newer.columns()));
    }

    private static boolean same(DataFile a, DataFile b) {
        return a != null
                && b != null
                && a.sizeBytes() == b.sizeBytes()
                && Arrays.equals(a.deletedRows(), b.deletedRows())
                && a.deletes().equals(b.deletes())
                && a.partitionValues().equals(b.partitionValues());
    }

    /** Nothing changed: the same files, deletes and columns. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && !schemaChanged;
    }

    /** Only new files, none of them carrying deletes: the newer version holds every row of the older one and more. */
    public boolean isAppendOnly() {
        return removed.isEmpty()
                && !schemaChanged
                && added.stream()
                        .noneMatch(f -> f.hasDeletedRows() || !f.deletes().isEmpty());
    }
}
