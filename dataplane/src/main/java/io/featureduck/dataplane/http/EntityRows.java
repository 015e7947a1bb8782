package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.EntityKeys;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The entities of a {@code /v1} request, one JSON object each, as the columns the lookup reads: each object holds the
 * entity's join keys and, for on-demand features, its request fields ({@code [{"driver_id": 1001, "trip_km": 3.5}]}).
 */
final class EntityRows implements RequestColumns {
    private final JsonNode rows;
    private final Set<String> names;

    private EntityRows(JsonNode rows, Set<String> names) {
        this.rows = rows;
        this.names = Collections.unmodifiableSet(names);
    }

    /** {@code rows}, an array that must hold only objects ({@code field} names it in errors). */
    static EntityRows of(JsonNode rows, String field) {
        Set<String> names = new LinkedHashSet<>();
        for (int e = 0; e < rows.size(); e++) {
            JsonNode entity = rows.get(e);
            if (!entity.isObject()) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FIELD, field + "[" + e + "] must be an object of " + "join keys");
            }
            for (Iterator<String> fields = entity.fieldNames(); fields.hasNext(); ) {
                names.add(fields.next());
            }
        }
        return new EntityRows(rows, names);
    }

    /** Entity {@code row} as it was sent, for the answer to echo. */
    JsonNode entity(int row) {
        return rows.get(row);
    }

    @Override
    public Set<String> names() {
        return names;
    }

    @Override
    public boolean has(String name) {
        return names.contains(name);
    }

    @Override
    public int size(String name) {
        return rows.size();
    }

    @Override
    public Object key(String name, int row, EntitySpec key) {
        JsonNode value = rows.get(row).get(name);
        if (value == null || value.isNull()) {
            throw new FeatureDuckException(
                    ErrorCode.MISSING_JOIN_KEY, "entities[" + row + "] lacks join key '" + name + "'");
        }
        return EntityKeys.fromJson(value, key);
    }

    @Override
    public long longKey(String name, int row, EntitySpec key) {
        JsonNode value = rows.get(row).get(name);
        // An int64 sent as a JSON integer is read without boxing; anything else goes the general way, which names
        // what was wrong.
        return key.type() == ValueType.INT64 && value != null && value.isIntegralNumber() && value.canConvertToLong()
                ? value.longValue()
                : (Long) key(name, row, key);
    }

    @Override
    public Object value(String name, int row, ValueType type) {
        return JsonColumns.value(rows.get(row).get(name), type);
    }
}
