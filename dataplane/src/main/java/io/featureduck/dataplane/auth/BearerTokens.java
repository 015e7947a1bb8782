package io.featureduck.dataplane.auth;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.type: bearer}: the tokens of a file, one per line (blank lines and {@code #} comments ignored), as the
 * operator mounts the store's Secret. Several tokens let clients rotate: add the new one, move the clients, remove
 * the old one; {@link #reload} picks up each change of the file without a restart.
 *
 * <p>Only SHA-256 digests of the tokens are kept, and a presented token is compared with every one of them with
 * {@link MessageDigest#isEqual}, so neither the time taken nor a heap dump tells an attacker anything about a token.
 * Nothing here ever logs or returns a token.
 */
public final class BearerTokens implements AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokens.class);
    /** How a read token is named in grants and logs; write tokens are named "write token #n". */
    static final String SUBJECT_PREFIX = "bearer token #";

    private final Path file;
    private final Optional<Path> writeFile;
    private volatile Snapshot current;

    /**
     * The digests of the file's tokens, what each token may do (made here, not per request), and the file's content
     * digest, to tell a change from a rewrite.
     */
    private record Snapshot(List<byte[]> digests, List<Map<AccessKind, Grant>> grants, byte[] fileDigest) {}

    private BearerTokens(Path file, Optional<Path> writeFile, Snapshot snapshot) {
        this.file = file;
        this.writeFile = writeFile;
        this.current = snapshot;
    }

    /**
     * The tokens of {@code file}.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no token: a data plane that accepts
     *                                  nobody is a misconfiguration, not a secure default
     */
    public static BearerTokens load(Path file) {
        return load(file, Optional.empty());
    }

    /**
     * The read tokens of {@code file} and, when given, the write tokens of {@code writeFile}: only those may push,
     * and they may read as well. Without a write file no token may push.
     */
    public static BearerTokens load(Path file, Optional<Path> writeFile) {
        return new BearerTokens(file, writeFile, read(file, writeFile));
    }

    /**
     * Reads the file again; a changed set of tokens applies to the next request. A file that became unreadable or
     * empty keeps the last good tokens (a Secret being swapped by the kubelet is briefly both).
     */
    @Override
    public void reload() {
        Snapshot next;
        try {
            next = read(file, writeFile);
        } catch (IllegalArgumentException e) {
            LOG.warn("keeping the previous bearer tokens: {}", e.getMessage());
            return;
        }
        if (!MessageDigest.isEqual(next.fileDigest(), current.fileDigest())) {
            current = next;
            LOG.info("bearer tokens reloaded: {} accepted", next.digests().size());
        }
    }

    @Override
    public Optional<Grant> cached(Optional<String> token, AccessKind kind) {
        return Optional.of(authenticate(token, kind));
    }

    @Override
    public Grant authenticate(Optional<String> token, AccessKind kind) {
        if (token.isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.UNAUTHENTICATED,
                    "this data plane requires a bearer token: send " + "'Authorization: Bearer <token>'");
        }
        byte[] presented = TokenDigest.of(token.get());
        Snapshot current = this.current;
        List<byte[]> digests = current.digests();
        int matched = -1;
        // Every digest is compared, matched or not, so the time taken does not depend on which token matched.
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(presented, digests.get(i))) {
                matched = i;
            }
        }
        if (matched < 0) {
            throw new FeatureDuckException(
                    ErrorCode.UNAUTHENTICATED, "the bearer token is not accepted by this data plane");
        }
        return current.grants().get(matched).get(kind);
    }

    @Override
    public boolean required() {
        return true;
    }

    private static Snapshot read(Path file, Optional<Path> writeFile) {
        List<byte[]> digests = digests(file);
        List<Map<AccessKind, Grant>> grants = new ArrayList<>();
        for (int i = 0; i < digests.size(); i++) {
            grants.add(Grant.readOnlyFor(SUBJECT_PREFIX + (i + 1)));
        }
        if (writeFile.isPresent()) {
            List<byte[]> writers = digests(writeFile.get());
            for (int i = 0; i < writers.size(); i++) {
                grants.add(Grant.everythingFor("write token #" + (i + 1)));
            }
            digests.addAll(writers);
        }
        return new Snapshot(List.copyOf(digests), List.copyOf(grants), TokenDigest.sha256(digestsBytes(digests)));
    }

    private static List<byte[]> digests(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the bearer token file " + file.getFileName() + ": "
                    + e.getClass().getSimpleName());
        }
        List<byte[]> digests = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            String token = line.strip();
            if (!token.isEmpty() && !token.startsWith("#")) {
                digests.add(TokenDigest.of(token));
            }
        }
        Arrays.fill(content, (byte) 0);
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("the bearer token file " + file.getFileName() + " holds no token");
        }
        return digests;
    }

    private static byte[] digestsBytes(List<byte[]> digests) {
        byte[] all = new byte[digests.size() * 32];
        for (int i = 0; i < digests.size(); i++) {
            System.arraycopy(digests.get(i), 0, all, i * 32, 32);
        }
        return all;
    }
}
