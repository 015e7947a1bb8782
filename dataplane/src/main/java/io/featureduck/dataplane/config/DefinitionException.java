package io.featureduck.dataplane.config;

/** A serving configuration that cannot be served as written; the message names the file, resource and field. */
public class DefinitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DefinitionException(String message) {
        super(message);
    }

    public DefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
