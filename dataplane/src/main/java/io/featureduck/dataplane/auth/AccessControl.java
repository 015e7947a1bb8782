package io.featureduck.dataplane.auth;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.featureduck.dataplane.config.AuthSettings;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides who a caller is and which views it may use, from the bearer token of its request. The HTTP layer asks
 * {@link #cached} on the event loop and {@link #authenticate} on a worker only when that has no answer, so an
 * implementation that must call out (the Kubernetes API) never blocks request handling.
 */
public interface AccessControl extends AutoCloseable {
    /**
     * The decision for {@code token}, if it can be made without I/O.
     *
     * @param token the bearer token, or empty when the request has none
     * @throws io.featureduck.dataplane.error.FeatureDuckException {@code UNAUTHENTICATED} for a missing or rejected
     *                                                             token
     */
    Optional<Grant> cached(Optional<String> token, AccessKind kind);

    /** The decision for {@code token}, calling out as needed; blocking. */
    Grant authenticate(Optional<String> token, AccessKind kind);

    /**
     * The access control {@code settings} ask for.
     *
     * @param views the views served now, for Kubernetes authorization
     * @throws IllegalArgumentException when a token file cannot be read or is empty
     */
    static AccessControl of(AuthSettings settings, Supplier<Collection<String>> views) {
        if (settings instanceof AuthSettings.BearerTokenFile bearer) {
            return BearerTokens.load(bearer.file(), bearer.writeFile());
        }
        if (settings instanceof AuthSettings.KubernetesRbac rbac) {
            // In a pod the client reads the ServiceAccount's own token and CA; outside one, KUBECONFIG.
            return new KubernetesAccess(
                    new KubernetesClientBuilder().build(), rbac.namespace(), views, rbac.cacheTtl());
        }
        return new OpenAccess();
    }

    /**
     * Rereads what the decisions come from when it can change on disk (a rotated token Secret); a no-op otherwise.
     * Called on a worker every reload interval.
     */
    default void reload() {}

    /** Whether requests must carry a token at all. */
    boolean required();

    @Override
    default void close() {}
}
