package io.featureduck.dataplane.registry;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;

/** A registry object the caller asked for that is not served (or not visible to it), with Feast's exception class. */
public final class RegistryObjectNotFound extends FeatureDuckException {
    private static final long serialVersionUID = 1L;

    private final String feastClass;

    RegistryObjectNotFound(RegistryObject kind, String message) {
        super(ErrorCode.NOT_FOUND, message);
        this.feastClass = kind.feastClass();
    }

    /** The class of {@code feast.errors} Feast's clients raise for this. */
    public String feastClass() {
        return feastClass;
    }
}
