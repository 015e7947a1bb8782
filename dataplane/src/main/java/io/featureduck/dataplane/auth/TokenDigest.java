package io.featureduck.dataplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one form in which this package keeps a bearer token: its SHA-256. Comparing digests of equal length with
 * {@link MessageDigest#isEqual} takes the same time whatever they hold, and a heap dump shows no token.
 */
final class TokenDigest {
    private TokenDigest() {}

    static byte[] of(String token) {
        return sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
