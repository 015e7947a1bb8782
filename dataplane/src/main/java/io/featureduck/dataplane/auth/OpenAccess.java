package io.featureduck.dataplane.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** {@code auth.type: none}: every caller may use every view. Chosen explicitly in the store's spec. */
public final class OpenAccess implements AccessControl {
    private static final Map<AccessKind, Optional<Grant>> GRANTS = new EnumMap<>(AccessKind.class);

    static {
        Grant.everythingFor("anonymous").forEach((kind, grant) -> GRANTS.put(kind, Optional.of(grant)));
    }

    @Override
    public Optional<Grant> cached(Optional<String> token, AccessKind kind) {
        return GRANTS.get(kind);
    }

    @Override
    public Grant authenticate(Optional<String> token, AccessKind kind) {
        return GRANTS.get(kind).orElseThrow();
    }

    @Override
    public boolean required() {
        return false;
    }
}
