package io.featureduck.dataplane.config;

import io.featureduck.crds.AuthType;
import io.featureduck.crds.DataPlaneSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How this process authenticates callers: the store's {@code spec.dataPlane.auth} resolved with the command line. */
public sealed interface AuthSettings {
    /** {@code none}: every caller is served. */
    record Open() implements AuthSettings {}

    /**
     * {@code bearer}: the tokens of a file, one per line, reread every {@code reloadInterval}; those of
     * {@code writeFile} may push as well.
     */
    record BearerTokenFile(Path file, Optional<Path> writeFile, Duration reloadInterval) implements AuthSettings {
        public BearerTokenFile {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(writeFile, "writeFile");
        }

        public BearerTokenFile(Path file, Duration reloadInterval) {
            this(file, Optional.empty(), reloadInterval);
        }
    }

    /** {@code kubernetes}: TokenReview and SubjectAccessReview on the views of {@code namespace}. */
    record KubernetesRbac(String namespace, Duration cacheTtl) implements AuthSettings {
        public KubernetesRbac {
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

    /**
     * What the store asks for, given what the command line supplies.
     *
     * @param tokenFile       {@code --auth-token-file}: where the operator mounts the token Secret; it turns bearer
     *                        authentication on even for a store that says {@code none}
     * @param writeTokenFile  {@code --auth-write-token-file}: the tokens that may push too
     * @param namespace       {@code --auth-namespace}: the store's namespace, for Kubernetes authorization
     * @throws IllegalArgumentException when the store's choice cannot be honoured, naming the missing flag
     */
    static AuthSettings resolve(
            DataPlaneSpec.AuthSpec spec,
            Optional<Path> tokenFile,
            Optional<Path> writeTokenFile,
            Optional<String> namespace,
            Duration reloadInterval) {
        if (writeTokenFile.isPresent() && tokenFile.isEmpty()) {
            throw new IllegalArgumentException("--auth-write-token-file needs --auth-token-file: write tokens are "
                    + "kept apart from the read tokens");
        }
        if (tokenFile.isPresent()) {
            return new BearerTokenFile(tokenFile.get(), writeTokenFile, reloadInterval);
        }
        AuthType type = spec == null || spec.type() == null ? AuthType.NONE : spec.type();
        return switch (type) {
            case BEARER ->
                throw new IllegalArgumentException("the store asks for bearer authentication (Secret '"
                        + spec.tokenSecretName() + "'): pass the tokens with --auth-token-file <file>, one per line");
            case KUBERNETES ->
                new KubernetesRbac(
                        namespace.orElseThrow(
                                () -> new IllegalArgumentException(
                                        "the "
                                                + "store asks for kubernetes authentication: pass its namespace with --auth-namespace <namespace>")),
                        DEFAULT_CACHE_TTL);
            case NONE -> new Open();
        };
    }
}
