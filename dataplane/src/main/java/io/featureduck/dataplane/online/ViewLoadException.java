package io.featureduck.dataplane.online;

/** A view that could not be loaded; the message names the view, the table and the cause. */
public class ViewLoadException extends RuntimeException {
    public ViewLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ViewLoadException(String message) {
        super(message);
    }
}
