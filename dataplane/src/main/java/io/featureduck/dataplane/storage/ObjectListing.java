package io.featureduck.dataplane.storage;

import io.featureduck.crds.location.ObjectPath;
import java.util.List;

/**
 * The direct children of a prefix, as a file system would list a directory.
 *
 * @param objects     objects directly under the prefix
 * @param directories deeper prefixes (each ending where the next {@code /} is), as paths
 */
public record ObjectListing(List<ObjectInfo> objects, List<ObjectPath> directories) {
    public ObjectListing {
        objects = List.copyOf(objects);
        directories = List.copyOf(directories);
    }

    public boolean isEmpty() {
        return objects.isEmpty() && directories.isEmpty();
    }
}
