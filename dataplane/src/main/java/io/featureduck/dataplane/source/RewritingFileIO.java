package io.featureduck.dataplane.source;

import io.featureduck.dataplane.config.TableLocation;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Iceberg's file access with the table location's path rewrites applied to every path before it is opened: metadata
 * files, manifest lists and manifests name each other by the absolute paths the table was written at.
 */
final class RewritingFileIO implements FileIO {
    // Iceberg ships FileIO to Spark executors as Java serialization; this one is only used in-process.
    private static final long serialVersionUID = 1L;

    private final FileIO delegate;
    private final TableLocation location;

    RewritingFileIO(FileIO delegate, TableLocation location) {
        this.delegate = delegate;
        this.location = location;
    }

    @Override
    public InputFile newInputFile(String path) {
        return delegate.newInputFile(location.rewrite(path));
    }

    @Override
    public InputFile newInputFile(String path, long length) {
        return delegate.newInputFile(location.rewrite(path), length);
    }

    @Override
    public OutputFile newOutputFile(String path) {
        throw new UnsupportedOperationException("FeatureDuck only reads tables; it never writes " + path);
    }

    @Override
    public void deleteFile(String path) {
        throw new UnsupportedOperationException("FeatureDuck only reads tables; it never deletes " + path);
    }

    @Override
    public Map<String, String> properties() {
        return delegate.properties();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
