package io.featureduck.dataplane.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featureduck.crds.ApiVersions;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.type: kubernetes}: the caller's own Kubernetes token (a ServiceAccount token, usually projected into
 * its pod) is checked with a TokenReview, and each view the pod serves is decided by a SubjectAccessReview of verb
 * {@link AccessKind#verb()} on {@code featureviews/<view>} in the store's namespace, so ordinary Roles and
 * RoleBindings say which team reads which view.
 *
 * <p>Decisions are cached per token digest and access kind for {@code ttl}, as the API server's own webhook
 * authorizers do, so a steady client costs no API call per request; a revoked RoleBinding takes effect within
 * {@code ttl}. Denials are cached too, so a client retrying a forbidden call cannot flood the API server.
 */
public final class KubernetesAccess implements AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesAccess.class);
    private static final long MAX_CACHED = 10_000;

    private final KubernetesClient client;
    private final String namespace;
    private final Supplier<Collection<String>> views;
    private final Cache<String, Decision> decisions;

    /** A token's grant for one kind, or the reason it was refused. */
    private record Decision(Grant grant, String refusal) {}

    /**
     * @param client    a client of the API server with the right to create TokenReviews and SubjectAccessReviews
     * @param namespace where the store's FeatureViews are
     * @param views     the views the pod serves now
     * @param ttl       how long a decision is reused
     */
    public KubernetesAccess(
            KubernetesClient client, String namespace, Supplier<Collection<String>> views, Duration ttl) {
        this.client = client;
        this.namespace = namespace;
        this.views = views;
        this.decisions = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(MAX_CACHED)
                .build();
    }

    @Override
    public Optional<Grant> cached(Optional<String> token, AccessKind kind) {
        Decision decision = decisions.getIfPresent(key(require(token), kind));
        return decision == null ? Optional.empty() : Optional.of(answer(decision));
    }

    @Override
    public Grant authenticate(Optional<String> token, AccessKind kind) {
        String presented = require(token);
        return answer(decisions.get(key(presented, kind), k -> decide(presented, kind)));
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public void close() {
        client.close();
    }

    private static String require(Optional<String> token) {
        return token.orElseThrow(() -> new FeatureDuckException(
                ErrorCode.UNAUTHENTICATED,
                "this data plane requires "
                        + "the caller's Kubernetes token: send 'Authorization: Bearer <ServiceAccount token>'"));
    }

    private static Grant answer(Decision decision) {
        if (decision.grant() == null) {
            throw new FeatureDuckException(ErrorCode.UNAUTHENTICATED, decision.refusal());
        }
        return decision.grant();
    }

    private Decision decide(String token, AccessKind kind) {
        UserInfo user;
        try {
            TokenReview review = client.authentication()
                    .v1()
                    .tokenReviews()
                    .create(new TokenReviewBuilder()
                            .withNewSpec()
                            .withToken(token)
                            .endSpec()
                            .build());
            if (review.getStatus() == null
                    || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
                return new Decision(null, "the Kubernetes API does not accept this token");
            }
            user = review.getStatus().getUser();
        } catch (KubernetesClientException e) {
            throw unavailable("TokenReview", e);
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (String view : List.copyOf(views.get())) {
            if (allows(user, view, kind)) {
                allowed.add(view);
            }
        }
        LOG.debug("{} may {} {} of the served views", user.getUsername(), kind.verb(), allowed.size());
        return new Decision(Grant.only(user.getUsername(), kind, allowed), null);
    }

    private boolean allows(UserInfo user, String view, AccessKind kind) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user.getUsername())
                .withUid(user.getUid())
                .withGroups(user.getGroups())
                .withExtra(user.getExtra() == null ? Map.of() : user.getExtra())
                .withNewResourceAttributes()
                .withGroup(ApiVersions.GROUP)
                .withResource("featureviews")
                .withName(view)
                .withNamespace(namespace)
                .withVerb(kind.verb())
                .endResourceAttributes()
                .endSpec()
                .build();
        try {
            SubjectAccessReview answer =
                    client.authorization().v1().subjectAccessReview().create(review);
            return answer.getStatus() != null
                    && Boolean.TRUE.equals(answer.getStatus().getAllowed());
        } catch (KubernetesClientException e) {
            throw unavailable("SubjectAccessReview", e);
        }
    }

    private static FeatureDuckException unavailable(String what, KubernetesClientException e) {
        LOG.warn(
                "{} failed: HTTP {} {}",
                what,
                e.getCode(),
                e.getStatus() == null ? "" : e.getStatus().getReason());
        return new FeatureDuckException(
                ErrorCode.AUTH_UNAVAILABLE,
                "the Kubernetes API could not check the caller's " + "access (" + what + " failed); retry later");
    }

    /** Tokens are kept only as digests, never as the bearer secret itself. */
    private static String key(String token, AccessKind kind) {
        return kind.name() + ":" + HexFormat.of().formatHex(TokenDigest.of(token));
    }
}
