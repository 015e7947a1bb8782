package io.featureduck.dataplane.auth;

import java.util.Optional;

/** {@code auth.type: none}: every caller may use every view. Chosen explicitly in the store's spec. */
public final class OpenAccess implements AccessControl {
    @Override
    public Optional<Grant> cached(Optional<String> token, AccessKind kind) {
        return Optional.of(Grant.everything("anonymous", kind));
    }

    @Override
    public Grant authenticate(Optional<String> token, AccessKind kind) {
        return Grant.everything("anonymous", kind);
    }

    @Override
    public boolean required() {
        return false;
    }
}
