package io.featureduck.dataplane.slots;

import io.featureduck.crds.ShardSlots;

/**
 * This process's shard of a store and the slots each shard owns ({@link ShardSlots}, the one definition of the
 * ranges, shared with the operator).
 *
 * @param index this process's shard, from 0
 * @param count shards of the store; 1 when the store is not sharded
 */
public record ShardLayout(int index, int count) {
    public static final ShardLayout UNSHARDED = new ShardLayout(0, 1);

    public ShardLayout {
        if (count < 1 || count > KeySlots.SLOTS) {
            throw new IllegalArgumentException("a store has 1 to " + KeySlots.SLOTS + " shards, not " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " is not one of shards 0.." + (count - 1));
        }
    }

    /** Parses {@code i/N}, as {@code featureduck serve --shard} takes it. */
    public static ShardLayout parse(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash > 0) {
                return new ShardLayout(
                        Integer.parseInt(text.substring(0, slash).trim()),
                        Integer.parseInt(text.substring(slash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new IllegalArgumentException("a shard is written i/N, e.g. 0/3, not '" + text + "'");
    }

    public boolean isSharded() {
        return count > 1;
    }

    /** The first slot this shard owns. */
    public int firstSlot() {
        return ShardSlots.first(index, count);
    }

    /** One past the last slot this shard owns. */
    public int endSlot() {
        return ShardSlots.end(index, count);
    }

    /** The shard owning {@code slot}. */
    public int owner(int slot) {
        return ShardSlots.owner(slot, count);
    }

    public boolean owns(int slot) {
        return slot >= firstSlot() && slot < endSlot();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
