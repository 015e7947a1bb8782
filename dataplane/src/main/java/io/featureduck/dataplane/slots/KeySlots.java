package io.featureduck.dataplane.slots;

import io.featureduck.crds.ShardSlots;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.iceberg.util.BucketUtil;

/**
 * Which of {@link #SLOTS} hash slots an entity key falls in: the partitioning of a sharded store, the same in every
 * pod, at load (which rows a shard keeps) and at request time (which shard owns a key).
 *
 * <p>A key of one column hashes as Iceberg's {@code bucket} transform hashes it (32-bit Murmur3 of the value's
 * canonical bytes: integers, dates and timestamps as 8 little-endian bytes, strings as UTF-8, bytes as themselves),
 * so the slot of a key is Iceberg's {@code bucket[SLOTS]} of it, and a table bucketed on the key by a divisor of
 * {@link #SLOTS} has each bucket's rows in one shard. A composite key hashes the little-endian concatenation of its
 * columns' hashes, so views keyed by the same columns place each entity in the same shard. Keys are in the
 * canonical forms of {@code online/EntityKeys}. Pinned by golden vectors in {@code KeySlotsTest}: changing it moves
 * every entity of every sharded store.
 */
public final class KeySlots {
    /** Slots of every store ({@link ShardSlots}, shared with the operator's shard map). */
    public static final int SLOTS = ShardSlots.SLOTS;

    private KeySlots() {}

    /** The slot of a key of one column, in its canonical form. */
    public static int slot(Object key) {
        return slotOfHash(hash(key));
    }

    /** The slot of a one-column integer key, without boxing. */
    public static int slot(long key) {
        return slotOfHash(BucketUtil.hash(key));
    }

    /** The slot of a composite key: its columns in the view's order. */
    public static int slot(List<?> parts) {
        if (parts.size() == 1) {
            return slot(parts.get(0));
        }
        ByteBuffer hashes = ByteBuffer.allocate(4 * parts.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Object part : parts) {
            hashes.putInt(hash(part));
        }
        hashes.flip();
        return slotOfHash(BucketUtil.hash(hashes));
    }

    /** Iceberg's hash of one canonical key value. */
    public static int hash(Object value) {
        if (value instanceof Long l) {
            return BucketUtil.hash(l);
        }
        if (value instanceof String s) {
            return BucketUtil.hash(s);
        }
        if (value instanceof ByteBuffer b) {
            return BucketUtil.hash(b.duplicate());
        }
        if (value instanceof Boolean b) {
            // Iceberg cannot bucket booleans; hashed as the integers 0 and 1.
            return BucketUtil.hash(b ? 1L : 0L);
        }
        throw new IllegalArgumentException(
                "no slot for a key of " + value.getClass().getSimpleName());
    }

    private static int slotOfHash(int hash) {
        return (hash & Integer.MAX_VALUE) % SLOTS;
    }
}
