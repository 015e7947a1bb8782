package io.featureduck.dataplane.lookup;

import io.featureduck.dataplane.config.FeatureRef;
import java.util.List;

/**
 * The {@code view:feature} references a request names, in the form its API received them. A client repeats the same
 * list request after request, so {@link FeaturePlans} resolves each distinct list once: it asks for a
 * {@link #cacheKey} and compares later lists against it with {@link #matches}, both without parsing.
 */
public interface FeatureList {
    /** Whether the request named no features (so a feature service may stand for them). */
    boolean isEmpty();

    /**
     * The references, parsed.
     *
     * @throws io.featureduck.dataplane.error.FeatureDuckException INVALID_FEATURE_REF or INVALID_FIELD
     */
    List<FeatureRef> refs();

    /** A hash of the list as sent; equal lists have equal hashes. */
    int cacheHash();

    /** An immutable copy of the list as sent, kept by the cache; compared with {@link #matches}. */
    Object cacheKey();

    /** Whether {@code key}, a {@link #cacheKey} of some list, is this list. */
    boolean matches(Object key);

    /** A list already parsed, as the {@code /v1} API and tests state it. */
    static FeatureList of(List<FeatureRef> refs) {
        List<FeatureRef> copy = List.copyOf(refs);
        return new FeatureList() {
            @Override
            public boolean isEmpty() {
                return copy.isEmpty();
            }

            @Override
            public List<FeatureRef> refs() {
                return copy;
            }

            @Override
            public int cacheHash() {
                return copy.hashCode();
            }

            @Override
            public Object cacheKey() {
                return copy;
            }

            @Override
            public boolean matches(Object key) {
                return copy.equals(key);
            }
        };
    }
}
