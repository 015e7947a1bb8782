package io.featureduck.dataplane.source;

import io.featureduck.dataplane.storage.DataFileCache;
import java.util.ArrayList;
import java.util.List;

/**
 * A table version as DuckDB reads it: the same version with every object-store file replaced by a local copy from
 * the file cache, pinned until closed. A version on local disk is itself.
 */
public final class LocalSnapshot implements AutoCloseable {
    private final TableSnapshot snapshot;
    private final DataFileCache.PinnedFiles pinned;

    private LocalSnapshot(TableSnapshot snapshot, DataFileCache.PinnedFiles pinned) {
        this.snapshot = snapshot;
        this.pinned = pinned;
    }

    public static LocalSnapshot of(TableSnapshot snapshot, DataFileCache cache) {
        List<String> paths = new ArrayList<>();
        for (DataFile file : snapshot.dataFiles()) {
            paths.add(file.path());
            file.deletes().forEach(d -> paths.add(d.path()));
        }
        DataFileCache.PinnedFiles pinned =
                cache.localize(paths, "table " + snapshot.location() + " version " + snapshot.version());
        if (!pinned.holdsCopies()) {
            // A version on local disk (or a database table) is read as it is, without copying its file list.
            return new LocalSnapshot(snapshot, pinned);
        }
        List<DataFile> files = new ArrayList<>();
        for (DataFile file : snapshot.dataFiles()) {
            List<DeleteFile> deletes = file.deletes().stream()
                    .map(d -> new DeleteFile(pinned.localPath(d.path()), d.equalityColumns(), d.dataFileName()))
                    .toList();
            files.add(new DataFile(
                    pinned.localPath(file.path()),
                    file.sizeBytes(),
                    file.partitionValues(),
                    file.deletedRows(),
                    deletes));
        }
        return new LocalSnapshot(snapshot.withDataFiles(files), pinned);
    }

    /** The version with local paths. */
    public TableSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public void close() {
        pinned.close();
    }
}
