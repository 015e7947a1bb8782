package io.featureduck.crds;

/**
 * The hash slots of a sharded store and which shard owns each, shared by the data plane (which keys a shard loads
 * and where a request's keys live) and the operator (the shard map in status): shard {@code i} of {@code count}
 * owns the contiguous range {@code [i * SLOTS / count, (i + 1) * SLOTS / count)}, so resharding moves ranges,
 * never scatters them.
 */
public final class ShardSlots {
    /** Slots of every store: fixed, so that a shard's slots are a range whatever the shard count. */
    public static final int SLOTS = 4096;

    private ShardSlots() {}

    /** The first slot shard {@code index} of {@code count} owns. */
    public static int first(int index, int count) {
        return (int) ((long) index * SLOTS / count);
    }

    /** One past the last slot shard {@code index} of {@code count} owns. */
    public static int end(int index, int count) {
        return first(index + 1, count);
    }

    /** The shard of {@code count} owning {@code slot}: the greatest whose range starts at or before it. */
    public static int owner(int slot, int count) {
        return (int) (((long) (slot + 1) * count - 1) / SLOTS);
    }
}
