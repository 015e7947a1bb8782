package io.featureduck.dataplane.lookup;

import io.featureduck.dataplane.config.FeatureServiceDefinition;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Plans of the feature lists and feature services requests name, so a list a client repeats is parsed and resolved
 * once. A small direct-mapped table of immutable entries: a racy read sees a whole entry or none, a collision just
 * replaces the older list, and a hostile client sending ever new lists costs only a plan per request, as without a
 * cache. Whether a plan still fits the served definitions is checked by its user on every request.
 */
final class FeaturePlans {
    private static final int SLOTS = 256;

    private record Entry(int hash, Object key, boolean fullNames, FeaturePlan plan) {}

    private final AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(SLOTS);

    FeaturePlan get(FeatureList list, boolean fullNames) {
        int hash = list.cacheHash();
        Entry entry = entries.get(slot(hash, fullNames));
        // A list matches only a key of its own form, never a service's definition.
        return entry != null && entry.hash() == hash && entry.fullNames() == fullNames && list.matches(entry.key())
                ? entry.plan()
                : null;
    }

    void put(FeatureList list, boolean fullNames, FeaturePlan plan) {
        int hash = list.cacheHash();
        entries.set(slot(hash, fullNames), new Entry(hash, list.cacheKey(), fullNames, plan));
    }

    FeaturePlan get(FeatureServiceDefinition service, boolean fullNames) {
        int hash = service.name().hashCode();
        Entry entry = entries.get(slot(hash, fullNames));
        // The definition itself is the key: a reloaded service with other features is planned again.
        return entry != null && entry.key() == service && entry.fullNames() == fullNames ? entry.plan() : null;
    }

    void put(FeatureServiceDefinition service, boolean fullNames, FeaturePlan plan) {
        int hash = service.name().hashCode();
        entries.set(slot(hash, fullNames), new Entry(hash, service, fullNames, plan));
    }

    private static int slot(int hash, boolean fullNames) {
        int mixed = (hash ^ (hash >>> 16)) * 0x9E3779B9 + (fullNames ? 1 : 0);
        return (mixed ^ (mixed >>> 15)) & (SLOTS - 1);
    }
}
