package io.featureduck.dataplane.storage;

import io.featureduck.crds.location.ObjectPath;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A read-only Hadoop file system over an {@link ObjectStore}, so that the table libraries' own readers (Delta
 * Kernel's default engine, Iceberg's {@code HadoopFileIO} and catalogs, parquet-java) work on object stores unchanged.
 * Directories are key prefixes, as in every object-store file system.
 */
public final class ObjectStoreFileSystem extends FileSystem {
    private URI uri;
    private ObjectStores stores;
    private Path workingDirectory;

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
        super.initialize(name, conf);
        uri = URI.create(name.getScheme() + "://" + name.getRawAuthority());
        stores = ObjectStores.lookup(conf);
        workingDirectory = new Path(uri.toString() + "/");
        setConf(conf);
    }

    @Override
    public String getScheme() {
        return uri.getScheme();
    }

    @Override
    public URI getUri() {
        return uri;
    }

    private ObjectPath objectPath(Path path) {
        Path qualified = path.isAbsolute() && path.toUri().getScheme() != null ? path : makeQualified(path);
        URI u = qualified.toUri();
        return ObjectPath.parse(u.getScheme() + "://" + u.getRawAuthority() + u.getPath());
    }

    private ObjectStore store(ObjectPath path) {
        return stores.forPath(path);
    }

    private Path hadoopPath(ObjectPath path) {
        return new Path(path.uri());
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        ObjectPath path = objectPath(f);
        ObjectStore store = store(path);
        ObjectInfo info = store.stat(path);
        return new FSDataInputStream(new ObjectInputStream(store, path, info.size()));
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        ObjectPath path = objectPath(f);
        if (path.key().isEmpty()) {
            return directory(path);
        }
        ObjectStore store = store(path);
        try {
            return file(store.stat(path));
        } catch (FileNotFoundException notAnObject) {
            ObjectListing children = store.list(path);
            if (children.isEmpty()) {
                throw notAnObject;
            }
            return directory(path);
        }
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        ObjectPath path = objectPath(f);
        ObjectStore store = store(path);
        ObjectListing listing = store.list(path);
        if (listing.isEmpty()) {
            // A file lists as itself, an empty bucket as nothing; a path that is neither is missing.
            FileStatus self = getFileStatus(f);
            return self.isDirectory() ? new FileStatus[0] : new FileStatus[] {self};
        }
        List<FileStatus> statuses = new ArrayList<>();
        listing.directories().forEach(d -> statuses.add(directory(d)));
        listing.objects().forEach(o -> statuses.add(file(o)));
        return statuses.toArray(FileStatus[]::new);
    }

    private FileStatus file(ObjectInfo info) {
        return new FileStatus(
                info.size(), false, 1, 64L * 1024 * 1024, info.lastModified().toEpochMilli(), hadoopPath(info.path()));
    }

    private FileStatus directory(ObjectPath path) {
        return new FileStatus(0, true, 1, 0, 0, hadoopPath(path));
    }

    @Override
    public Path getWorkingDirectory() {
        return workingDirectory;
    }

    @Override
    public void setWorkingDirectory(Path directory) {
        workingDirectory = directory;
    }

    @Override
    public FSDataOutputStream create(
            Path f,
            FsPermission permission,
            boolean overwrite,
            int bufferSize,
            short replication,
            long blockSize,
            Progressable progress)
            throws IOException {
        throw readOnly(f);
    }

    @Override
    public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
        throw readOnly(f);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        throw readOnly(src);
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        throw readOnly(f);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        throw readOnly(f);
    }

    private static IOException readOnly(Path f) {
        return new IOException(f + ": FeatureDuck reads lakehouse tables and never writes to them");
    }

    /**
     * A seekable stream over ranged reads: one open request from the current position, reopened only when a seek
     * moves away from where it is, as the Parquet and Avro readers do when they jump to a footer or a block.
     */
    static final class ObjectInputStream extends FSInputStream {
        private final ObjectStore store;
        private final ObjectPath path;
        private final long length;
        private final byte[] oneByte = new byte[1];
        private InputStream current;
        private long position;
        private long streamPosition;

        ObjectInputStream(ObjectStore store, ObjectPath path, long length) {
            this.store = store;
            this.path = path;
            this.length = length;
        }

        @Override
        public void seek(long target) throws IOException {
            if (target < 0 || target > length) {
                throw new java.io.EOFException(path + ": cannot seek to " + target + " of " + length + " bytes");
            }
            position = target;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
            return false;
        }

        @Override
        public int read() throws IOException {
            int n = read(oneByte, 0, 1);
            return n < 0 ? -1 : oneByte[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            if (current == null || streamPosition != position) {
                closeCurrent();
                current = store.read(path, position);
                streamPosition = position;
            }
            int n = current.read(buffer, offset, (int) Math.min(count, length - position));
            if (n > 0) {
                position += n;
                streamPosition += n;
            }
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, length - position);
        }

        private void closeCurrent() throws IOException {
            if (current != null) {
                current.close();
                current = null;
            }
        }

        @Override
        public void close() throws IOException {
            closeCurrent();
        }
    }
}
