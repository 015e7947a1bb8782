package io.featureduck.dataplane.shard;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.online.EntityKeys;
import io.featureduck.shard.v1.KeyColumn;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Keys between shards: canonical keys ({@code online/EntityKeys}) as {@link KeyColumn}s, integers (and booleans as
 * 0 or 1) as longs, strings as themselves, bytes as base64 text.
 */
final class WireKeys {
    private WireKeys() {}

    /** The columns of {@code keys}, canonical keys of a view keyed by {@code entities}. */
    static List<KeyColumn> encode(List<Object> keys, List<EntitySpec> entities) {
        List<KeyColumn> columns = new ArrayList<>(entities.size());
        for (int k = 0; k < entities.size(); k++) {
            ValueType type = entities.get(k).type();
            KeyColumn.Builder column = KeyColumn.newBuilder();
            for (Object key : keys) {
                Object part = entities.size() == 1 ? key : ((List<?>) key).get(k);
                if (isLong(type)) {
                    column.addLongs(part instanceof Boolean b ? (b ? 1 : 0) : (Long) part);
                } else if (type == ValueType.BYTES) {
                    column.addStrings(Base64.getEncoder().encodeToString(bytes((ByteBuffer) part)));
                } else {
                    column.addStrings((String) part);
                }
            }
            columns.add(column.build());
        }
        return columns;
    }

    /** The canonical keys of a {@code Rows} call, one per entity. */
    static Object[] decode(List<KeyColumn> columns, List<EntitySpec> entities) {
        int count = -1;
        for (int k = 0; k < entities.size(); k++) {
            KeyColumn column = columns.get(k);
            int size = isLong(entities.get(k).type()) ? column.getLongsCount() : column.getStringsCount();
            if (count >= 0 && size != count) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "key columns of different lengths");
            }
            count = size;
        }
        Object[] keys = new Object[Math.max(count, 0)];
        for (int e = 0; e < keys.length; e++) {
            if (entities.size() == 1) {
                keys[e] = part(columns.get(0), e, entities.get(0).type());
            } else {
                List<Object> parts = new ArrayList<>(entities.size());
                for (int k = 0; k < entities.size(); k++) {
                    parts.add(part(columns.get(k), e, entities.get(k).type()));
                }
                keys[e] = List.copyOf(parts);
            }
        }
        return keys;
    }

    private static Object part(KeyColumn column, int e, ValueType type) {
        if (type == ValueType.BOOL) {
            return column.getLongs(e) != 0;
        }
        if (isLong(type)) {
            return column.getLongs(e);
        }
        if (type == ValueType.BYTES) {
            return ByteBuffer.wrap(Base64.getDecoder().decode(column.getStrings(e)));
        }
        return column.getStrings(e);
    }

    private static boolean isLong(ValueType type) {
        return EntityKeys.isLong(type) || type == ValueType.BOOL;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
