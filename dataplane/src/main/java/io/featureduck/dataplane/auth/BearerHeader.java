package io.featureduck.dataplane.auth;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.util.Optional;

/** The token of an {@code Authorization: Bearer <token>} header (HTTP) or {@code authorization} metadata (gRPC). */
public final class BearerHeader {
    private static final String BEARER = "bearer ";

    private BearerHeader() {}

    /**
     * The token of {@code header}; empty when there is no header.
     *
     * @throws FeatureDuckException {@code UNAUTHENTICATED} for any other scheme
     */
    public static Optional<String> token(String header) {
        if (header == null) {
            return Optional.empty();
        }
        // The scheme is case-insensitive (RFC 7235); compared in place, as this runs for every request.
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new FeatureDuckException(
                    ErrorCode.UNAUTHENTICATED, "only 'Authorization: Bearer <token>' is " + "accepted");
        }
        return Optional.of(header.substring(BEARER.length()).strip());
    }
}
