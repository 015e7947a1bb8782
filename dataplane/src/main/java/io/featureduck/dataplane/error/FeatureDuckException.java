package io.featureduck.dataplane.error;

import java.util.Optional;

/**
 * The one failure type of the data plane: what went wrong as an {@link ErrorCode}, the feature view it concerns when
 * there is one, and a message a user can act on. Every route translates it to a response the same way; loaders and
 * refreshes record its message as the view's last error.
 *
 * <p>The view is named once, by {@link #getMessage()}, however many layers the failure passes through. Failures of
 * the caller's own request carry no stack trace: they are thrown on hot paths and are not bugs.
 */
public class FeatureDuckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String view;
    private final String detail;

    public FeatureDuckException(ErrorCode code, String message) {
        this(code, null, message, null);
    }

    public FeatureDuckException(ErrorCode code, String message, Throwable cause) {
        this(code, null, message, cause);
    }

    protected FeatureDuckException(ErrorCode code, String view, String message, Throwable cause) {
        super(message, cause, true, !code.isClientError());
        this.code = code;
        this.view = view;
        this.detail = message;
    }

    /** A failure of {@code view}. */
    public static FeatureDuckException ofView(ErrorCode code, String view, String message) {
        return new FeatureDuckException(code, view, message, null);
    }

    /**
     * {@code failure} as a failure of {@code view}: the same code, message and cause, named once. A failure that names
     * a view already is returned as it is.
     */
    public static FeatureDuckException inView(String view, FeatureDuckException failure) {
        if (failure.view != null) {
            return failure;
        }
        FeatureDuckException named = new FeatureDuckException(failure.code, view, failure.detail, failure.getCause());
        named.setStackTrace(failure.getStackTrace());
        return named;
    }

    public ErrorCode code() {
        return code;
    }

    public Optional<String> view() {
        return Optional.ofNullable(view);
    }

    @Override
    public String getMessage() {
        return view == null ? detail : "FeatureView '" + view + "': " + detail;
    }
}
