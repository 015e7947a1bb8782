package io.featureduck.dataplane.write;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.LockManager;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopTableOperations;
import org.apache.iceberg.util.LockManagers;

/**
 * Iceberg's file-system table commits, made safe between processes. Iceberg commits a file-system table by renaming
 * its new {@code vN.metadata.json} into place after checking that no such file exists, under a lock held only within
 * one JVM; a local or NFS rename replaces an existing file, so two pods committing version N at once would both
 * "succeed" and one commit would be lost. Here the final step is a hard link instead, which the file system refuses
 * atomically when the name is taken: the loser gets a failed commit, which Iceberg retries on the new version.
 */
final class NoReplaceTableOperations extends HadoopTableOperations {

    NoReplaceTableOperations(java.nio.file.Path table, Configuration hadoop) {
        this(table, hadoop, LockManagers.defaultLockManager());
    }

    /** @param locks Iceberg's lock, which only orders commits within one JVM */
    NoReplaceTableOperations(java.nio.file.Path table, Configuration hadoop, LockManager locks) {
        super(new Path(table.toUri()), new HadoopFileIO(hadoop), hadoop, locks);
    }

    @Override
    protected FileSystem getFileSystem(Path path, Configuration hadoop) {
        return new NoReplaceRename(super.getFileSystem(path, hadoop));
    }

    /** A local file system whose rename never replaces the target. */
    private static final class NoReplaceRename extends FilterFileSystem {
        NoReplaceRename(FileSystem local) {
            super(local);
        }

        @Override
        public boolean rename(Path source, Path target) throws IOException {
            java.nio.file.Path from = java.nio.file.Path.of(source.toUri());
            java.nio.file.Path to = java.nio.file.Path.of(target.toUri());
            try {
                Files.createLink(to, from);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            Files.delete(from);
            return true;
        }
    }
}
