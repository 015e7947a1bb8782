package io.featureduck.dataplane.http;

import io.featureduck.dataplane.config.DataPlaneConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API port's certificate and key, read from the PEM files of the store's TLS Secret. The kubelet swaps the files
 * when the Secret changes (a renewal by cert-manager); {@link #changed} notices and new connections get the new
 * certificate, while established ones keep theirs.
 */
final class ServerCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);

    private final DataPlaneConfig.TlsFiles files;
    private byte[] digest;

    ServerCertificate(DataPlaneConfig.TlsFiles files) {
        this.files = files;
    }

    /**
     * The certificate and key as they are now.
     *
     * @throws IllegalArgumentException when either file cannot be read
     */
    PemKeyCertOptions read() {
        byte[] certificate = bytes(files.certificate().getFileName().toString(), files.certificate());
        byte[] key = bytes(files.key().getFileName().toString(), files.key());
        digest = digest(certificate, key);
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate)).setKeyValue(Buffer.buffer(key));
    }

    /** The new certificate and key when the files changed since the last read; empty otherwise, or when unreadable. */
    Optional<PemKeyCertOptions> changed() {
        try {
            byte[] certificate = java.nio.file.Files.readAllBytes(files.certificate());
            byte[] key = java.nio.file.Files.readAllBytes(files.key());
            if (Arrays.equals(digest(certificate, key), digest)) {
                return Optional.empty();
            }
            return Optional.of(read());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("keeping the current TLS certificate: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static byte[] bytes(String what, java.nio.file.Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS file " + what + ": " + e.getClass().getSimpleName());
        }
    }

    private static byte[] digest(byte[] certificate, byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(certificate);
            sha.update(key);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
