package io.featureduck.dataplane.online;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps an entity key (in the canonical form of {@link EntityKeys}) to its row in an index. A single integer key,
 * the common case, uses a primitive open-addressing map: no boxing, about 13 bytes per key.
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

    final class LongKeys implements EntityKeyIndex {
        private final Long2IntOpenHashMap rows;

        LongKeys(int expected) {
            rows = new Long2IntOpenHashMap(Math.max(expected, 16));
            rows.defaultReturnValue(ABSENT);
        }

        @Override
        public EntityKeyIndex copy(int expectedKeys) {
            LongKeys copy = new LongKeys(expectedKeys);
            copy.rows.putAll(rows);
            return copy;
        }

        @Override
        public int rowOf(Object key) {
            return key instanceof Long value ? rows.get(value.longValue()) : ABSENT;
        }

        @Override
        public int rowOf(long key) {
            return rows.get(key);
        }

        @Override
        public boolean put(Object key, int row) {
            return rows.putIfAbsent(((Long) key).longValue(), row) == ABSENT;
        }

        @Override
        public int size() {
            return rows.size();
        }

        @Override
        public List<Object> keys() {
            List<Object> keys = new ArrayList<>(rows.size());
            rows.keySet().forEach(k -> keys.add(k));
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
