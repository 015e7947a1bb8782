package io.featureduck.dataplane.error;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message of an error as a client receives it, over any protocol: {@link Redaction}'s output, logged at DEBUG
 * under {@code featureduck.errors} (off by default: a per-answer error log for whoever debugs a client). The data
 * plane's test suite turns it on and scans every message it produced for local paths and SQL.
 */
public final class ErrorAnswers {
    private static final Logger LOG = LoggerFactory.getLogger("featureduck.errors");

    private ErrorAnswers() {}

    /** What {@code message} of {@code code} may show, as it is sent over {@code protocol} ({@code http}, {@code grpc}). */
    public static String shown(Redaction redaction, String protocol, ErrorCode code, String message) {
        String shown = redaction.apply(message);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {}: {}", protocol, code, shown);
        }
        return shown;
    }
}
