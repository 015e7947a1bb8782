package io.featureduck.dataplane.auth;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * What an authenticated caller may do with one {@link AccessKind}: every view, or the views RBAC allowed.
 *
 * @param subject who the caller is, for logs: a Kubernetes user name, or which bearer token matched (by position,
 *                never the token)
 * @param kind    the access this grant covers
 * @param views   the views allowed; ignored when {@code everything}
 * @param everything whether every view is allowed
 */
public record Grant(String subject, AccessKind kind, Set<String> views, boolean everything) {
    public Grant {
        views = Set.copyOf(views);
    }

    public static Grant everything(String subject, AccessKind kind) {
        return new Grant(subject, kind, Set.of(), true);
    }

    /** A grant of everything for each kind, made once for a caller that may do anything, not per request. */
    static Map<AccessKind, Grant> everythingFor(String subject) {
        Map<AccessKind, Grant> grants = new EnumMap<>(AccessKind.class);
        for (AccessKind kind : AccessKind.values()) {
            grants.put(kind, everything(subject, kind));
        }
        return grants;
    }

    /** Every read of every view, and no write: what a bearer token from the read tokens may do. */
    static Map<AccessKind, Grant> readOnlyFor(String subject) {
        Map<AccessKind, Grant> grants = everythingFor(subject);
        grants.put(AccessKind.WRITE, only(subject, AccessKind.WRITE, Set.of()));
        return grants;
    }

    public static Grant only(String subject, AccessKind kind, Set<String> views) {
        return new Grant(subject, kind, views, false);
    }

    public boolean allows(String view) {
        return everything || views.contains(view);
    }

    /** Refuses a view this grant does not cover, naming the view and the permission that would allow it. */
    public void require(String view) {
        if (!allows(view)) {
            String remedy = subject.startsWith(BearerTokens.SUBJECT_PREFIX)
                    ? "pushes need a token from the store's write tokens (spec.dataPlane.auth.writeTokenSecretName)"
                    : "a Role must grant verb '" + kind.verb() + "' on featureviews/" + view;
            throw FeatureDuckException.ofView(
                    ErrorCode.FORBIDDEN, view, "'" + subject + "' may not " + kind.verb() + " this view; " + remedy);
        }
    }
}
