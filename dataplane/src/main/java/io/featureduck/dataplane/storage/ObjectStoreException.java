package io.featureduck.dataplane.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * An object-store request that failed, with what kind of failure it was so that a user knows where to look. The
 * message names the object and the endpoint, never a credential.
 */
public final class ObjectStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Fault {
        UNREACHABLE("object store unreachable"),
        ACCESS_DENIED("access denied: credentials missing, wrong or expired"),
        THROTTLED("throttled by the object store"),
        FAILED("object store request failed");

        private final String description;

        Fault(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Fault fault;

    public ObjectStoreException(Fault fault, String message, Throwable cause) {
        super(message, cause);
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }

    /**
     * The failure of a request for {@code where} (the object and endpoint), by the HTTP status the store answered
     * with, or 0 when it did not answer: a missing object is a {@link FileNotFoundException}, as the table
     * libraries expect. {@code detail} must already be free of credentials.
     */
    static IOException of(String where, int status, String detail, Throwable cause) {
        if (status == 404) {
            FileNotFoundException missing = new FileNotFoundException(where + ": no such object");
            missing.initCause(cause);
            return missing;
        }
        Fault fault = status == 401 || status == 403
                ? Fault.ACCESS_DENIED
                : status == 429 || status == 503
                        ? Fault.THROTTLED
                        : status == 0 && isConnectionFailure(cause) ? Fault.UNREACHABLE : Fault.FAILED;
        return new ObjectStoreException(fault, where + ": " + fault.description() + ": " + detail, cause);
    }

    /** Whether {@code failure}, whatever SDK type wraps it, is a store that could not be reached at all. */
    static boolean isConnectionFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof SocketTimeoutException
                    || cause instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The object-store failure somewhere in {@code failure}'s causes, which the table libraries wrap in messages of
     * their own ("Failed to list the files in delta log"): it is the part a user can act on.
     */
    public static java.util.Optional<ObjectStoreException> in(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof ObjectStoreException storage) {
                return java.util.Optional.of(storage);
            }
        }
        return java.util.Optional.empty();
    }
}
