package io.featureduck.dataplane.auth;

/**
 * What a request does with a view, and the RBAC verb on {@code featureviews} that allows it under Kubernetes
 * authentication. {@code read-online}, {@code read-historical} and {@code push} are custom verbs: the API server never acts on
 * them, they exist only for the data plane's SubjectAccessReviews, so a Role grants them like any other verb.
 */
public enum AccessKind {
    /** Listing and describing views ({@code /v1/views}). */
    DESCRIBE("get"),
    /** Online lookups ({@code /v1/features/online}, {@code /get-online-features}). */
    ONLINE("read-online"),
    /** Point-in-time exports ({@code /v1/features/historical}): whole tables, so a separate permission. */
    HISTORICAL("read-historical"),
    /**
     * Pushes ({@code /push}, {@code /write-to-online-store}): commits to the view's table, which every reader of the
     * table sees, so never implied by any read permission. A custom verb too.
     */
    WRITE("push");

    private final String verb;

    AccessKind(String verb) {
        this.verb = verb;
    }

    public String verb() {
        return verb;
    }
}
