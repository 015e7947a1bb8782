package io.featureduck.dataplane.storage;

import io.featureduck.crds.location.ObjectPath;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Read access to one cloud object service through its official SDK. Only what serving needs: the data plane never
 * writes to the lakehouse.
 *
 * <p>Failures are {@link FileNotFoundException} for a missing object, else {@link ObjectStoreException} naming the
 * {@link ObjectStoreException.Fault}; messages never carry credentials.
 */
public interface ObjectStore extends AutoCloseable {

    /** The object's size and version. */
    ObjectInfo stat(ObjectPath path) throws IOException;

    /** The direct children of {@code directory}; empty when nothing is there. */
    ObjectListing list(ObjectPath directory) throws IOException;

    /** The bytes from {@code offset} to the end of the object. */
    InputStream read(ObjectPath path, long offset) throws IOException;

    /**
     * Copies the object to {@code target}, which must not exist yet, and returns what was copied: its version is that
     * of the bytes written, even if the object was rewritten since it was last looked at.
     */
    ObjectInfo download(ObjectPath path, Path target) throws IOException;

    /** The endpoint requests go to, for messages. */
    String endpoint();

    @Override
    void close();
}
