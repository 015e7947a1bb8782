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
    private final PemKeyCertOptions initial;
    private byte[] digest;

    /** @throws IllegalArgumentException when either file cannot be read */
    ServerCertificate(DataPlaneConfig.TlsFiles files) {
        this.files = files;
        try {
            this.initial = readIfChanged().orElseThrow();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the TLS certificate or key: " + e.getClass().getSimpleName());
        }
    }

    /** The certificate and key the server starts with. */
    PemKeyCertOptions initial() {
        return initial;
    }

    /** The new certificate and key when the files changed since the last read; empty otherwise, or when unreadable. */
    Optional<PemKeyCertOptions> changed() {
        try {
            return readIfChanged();
        } catch (IOException e) {
            LOG.warn(
                    "keeping the current TLS certificate: {} cannot be read",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private Optional<PemKeyCertOptions> readIfChanged() throws IOException {
        byte[] certificate = Files.readAllBytes(files.certificate());
        byte[] key = Files.readAllBytes(files.key());
        byte[] now = digest(certificate, key);
        if (Arrays.equals(now, digest)) {
            return Optional.empty();
        }
        digest = now;
        return Optional.of(
                new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate)).setKeyValue(Buffer.buffer(key)));
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
