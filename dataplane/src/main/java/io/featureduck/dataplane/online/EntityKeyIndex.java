package io.featureduck.dataplane.online;

import it.unimi.dsi.fastutil.HashCommon;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps an entity key (in the canonical form of {@link EntityKeys}) to its row in an index. A single integer key,
 * the common case, is held without boxing ({@link LongKeys}).
 */
public interface EntityKeyIndex {
    int ABSENT = -1;

    /** The row of {@code key}, or {@link #ABSENT}. */
    int rowOf(Object key);

    /** The row of an integer key (canonical form {@code Long}), or {@link #ABSENT}; no boxing for integer keys. */
    default int rowOf(long key) {
        return rowOf((Object) key);
    }

    /** Records {@code key} at {@code row}; returns false if the key was already present. */
    boolean put(Object key, int row);

    int size();

    /** Every key, in canonical form. */
    List<Object> keys();

    /** An independent copy with room for {@code expectedKeys}, for an index's incrementally refreshed successor. */
    EntityKeyIndex copy(int expectedKeys);

    static EntityKeyIndex create(boolean singleIntegerKey, int expectedKeys) {
        return singleIntegerKey ? new LongKeys(expectedKeys) : new ObjectKeys(expectedKeys);
    }

    /**
     * Integer keys: each key once in a {@code long[]} by row, found through an open-addressing table of row numbers
     * sized to the key count (not to a power of two), so the index costs about 6 bytes per key beyond the key itself,
     * where a map of long to int at its usual load costs 12 to 24.
     */
    final class LongKeys implements EntityKeyIndex {
        private static final double LOAD = 0.7;

        private long[] keysByRow;
        /** Row + 1 of the key hashed to each slot, probed linearly; 0 is empty. */
        private final int[] slots;

        private int size;

        LongKeys(int expected) {
            int capacity = Math.max(expected, 16);
            keysByRow = new long[capacity];
            slots = new int[(int) Math.min(Integer.MAX_VALUE - 8, (long) Math.ceil(capacity / LOAD) + 1)];
        }

        private LongKeys(long[] keysByRow, int[] slots, int size) {
            this.keysByRow = keysByRow;
            this.slots = slots;
            this.size = size;
        }

        @Override
        public EntityKeyIndex copy(int expectedKeys) {
            int keys = Math.max(expectedKeys, size);
            if (keys <= slots.length * LOAD + 1) {
                // The keys still fit this table: a key's slot depends only on the table's length, so copying the
                // arrays is the copy. An incremental refresh that adds few keys to millions rehashes none of them.
                return new LongKeys(Arrays.copyOf(keysByRow, Math.max(keys, keysByRow.length)), slots.clone(), size);
            }
            LongKeys copy = new LongKeys(keys);
            for (int slot : slots) {
                if (slot != 0) {
                    copy.put(keysByRow[slot - 1], slot - 1);
                }
            }
            return copy;
        }

        @Override
        public int rowOf(Object key) {
            return key instanceof Long value ? rowOf(value.longValue()) : ABSENT;
        }

        @Override
        public int rowOf(long key) {
            int[] table = slots;
            for (int i = home(key); ; i = next(i)) {
                int entry = table[i];
                if (entry == 0) {
                    return ABSENT;
                }
                if (keysByRow[entry - 1] == key) {
                    return entry - 1;
                }
            }
        }

        @Override
        public boolean put(Object key, int row) {
            return put(((Long) key).longValue(), row);
        }

        private boolean put(long key, int row) {
            if (size + 1 > slots.length * LOAD + 1) {
                throw new IllegalStateException("more keys than the index was sized for: " + (size + 1));
            }
            int i = home(key);
            for (int entry = slots[i]; entry != 0; entry = slots[i]) {
                if (keysByRow[entry - 1] == key) {
                    return false;
                }
                i = next(i);
            }
            if (row >= keysByRow.length) {
                keysByRow = Arrays.copyOf(keysByRow, Math.max(row + 1, keysByRow.length + (keysByRow.length >> 1)));
            }
            keysByRow[row] = key;
            slots[i] = row + 1;
            size++;
            return true;
        }

        /** The key's first slot: a well-mixed hash mapped onto the table by multiplication, not by a mask. */
        private int home(long key) {
            long hash = HashCommon.mix(key) >>> 32;
            return (int) ((hash * slots.length) >>> 32);
        }

        private int next(int slot) {
            return slot + 1 == slots.length ? 0 : slot + 1;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public List<Object> keys() {
            List<Object> keys = new ArrayList<>(size);
            for (int slot : slots) {
                if (slot != 0) {
                    keys.add(keysByRow[slot - 1]);
                }
            }
            return keys;
        }
    }

    final class ObjectKeys implements EntityKeyIndex {
        private final Object2IntOpenHashMap<Object> rows;

        ObjectKeys(int expected) {
            rows = new Object2IntOpenHashMap<>(Math.max(expected, 16));
            rows.defaultReturnValue(ABSENT);
        }

        @Override
        public EntityKeyIndex copy(int expectedKeys) {
            ObjectKeys copy = new ObjectKeys(expectedKeys);
            copy.rows.putAll(rows);
            return copy;
        }

        @Override
        public int rowOf(Object key) {
            return rows.getInt(key);
        }

        @Override
        public boolean put(Object key, int row) {
            return rows.putIfAbsent(key, row) == ABSENT;
        }

        @Override
        public int size() {
            return rows.size();
        }

        @Override
        public List<Object> keys() {
            return new ArrayList<>(rows.keySet());
        }
    }
}
