package io.featureduck.dataplane.http;

/**
 * A request the data plane refuses, with the HTTP status, a stable machine-readable code and a message naming the
 * offending part of the request. Thrown on hot paths, so it carries no stack trace.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
