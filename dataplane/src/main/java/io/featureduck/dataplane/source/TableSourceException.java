package io.featureduck.dataplane.source;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;

/**
 * A table that cannot be read as asked (unreachable, missing files, a commit its reader refuses); the message names
 * the table and what to do about it. Retrying may help once the table or its store is back.
 */
public class TableSourceException extends FeatureDuckException {
    private static final long serialVersionUID = 1L;

    public TableSourceException(String message) {
        super(ErrorCode.TABLE_UNAVAILABLE, message);
    }

    public TableSourceException(String message, Throwable cause) {
        super(ErrorCode.TABLE_UNAVAILABLE, message, cause);
    }
}
