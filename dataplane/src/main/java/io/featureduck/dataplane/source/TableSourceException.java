package io.featureduck.dataplane.source;

/** A table that cannot be read as asked; the message names the table and what to do about it. */
public class TableSourceException extends RuntimeException {
    public TableSourceException(String message) {
        super(message);
    }

    public TableSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
