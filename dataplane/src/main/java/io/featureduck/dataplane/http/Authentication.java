package io.featureduck.dataplane.http;

import io.featureduck.dataplane.auth.AccessControl;
import io.featureduck.dataplane.auth.AccessKind;
import io.featureduck.dataplane.auth.BearerHeader;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Optional;

/**
 * The first handler of every API route: who is calling, and what they may do there. A decision that needs the
 * Kubernetes API is made on a small worker pool, never on the event loop; a cached one (and every bearer-token
 * check) costs a hash and a few comparisons. The route's handler then checks each view it names with {@link #grant}.
 */
final class Authentication {
    private static final String GRANT = "featureduck.grant";

    private final AccessControl access;
    private final WorkerExecutor workers;

    Authentication(AccessControl access, WorkerExecutor workers) {
        this.access = access;
        this.workers = workers;
    }

    /**
     * The handler of a route of {@code kind}. It is a {@link PlatformHandler} so that Vert.x Web lets it run before
     * the body handler: a caller without a valid token never gets its body read.
     */
    PlatformHandler require(AccessKind kind) {
        return ctx -> {
            Optional<String> token;
            Optional<Grant> known;
            try {
                // An open data plane ignores the header: a proxy's own credentials must not make it refuse anyone.
                token = access.required()
                        ? BearerHeader.token(ctx.request().getHeader("authorization"))
                        : Optional.empty();
                known = access.cached(token, kind);
            } catch (FeatureDuckException e) {
                ctx.fail(e);
                return;
            }
            if (known.isPresent()) {
                ctx.put(GRANT, known.get());
                ctx.next();
                return;
            }
            // Body handlers have not run yet: hold the body until the decision, so nothing is read for a refused
            // call. The body handler (or the historical upload) resumes it.
            ctx.request().pause();
            workers.executeBlocking(() -> access.authenticate(token, kind), false)
                    .onComplete(decided -> {
                        if (decided.succeeded()) {
                            ctx.put(GRANT, decided.result());
                            ctx.next();
                        } else {
                            ctx.fail(decided.cause());
                        }
                    });
        };
    }

    /** What the caller of {@code ctx} may do on this route. */
    static Grant grant(RoutingContext ctx) {
        Grant grant = ctx.get(GRANT);
        if (grant == null) {
            throw new IllegalStateException(
                    "route without authentication: " + ctx.request().path());
        }
        return grant;
    }

    /** The caller's {@code Authorization} header as sent, for calls made on its behalf (to other shards). */
    static Optional<String> credentials(RoutingContext ctx) {
        return Optional.ofNullable(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    }
}
