package io.featureduck.dataplane.lookup;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import java.util.Set;

/**
 * Values a request sends column by column, as Feast does: one column per join key (or per request field), each with
 * one value per entity. Each API reads its own wire form (JSON, protobuf) behind this interface, so resolution and
 * status rules are written once.
 */
public interface RequestColumns {
    /** Columns by name, in request order. */
    Set<String> names();

    boolean has(String name);

    /** Values in column {@code name}. */
    int size(String name);

    /**
     * The canonical key ({@code online/EntityKeys}) of entity {@code row} in column {@code name}.
     *
     * @throws IllegalArgumentException naming the key, the expected type and what was sent
     */
    Object key(String name, int row, EntitySpec key);

    /**
     * {@link #key} of an integer-typed join key (int32, int64, date, timestamp), whose canonical form is a
     * {@code Long}; a wire form that parses integers itself overrides this to look keys up without boxing.
     */
    default long longKey(String name, int row, EntitySpec key) {
        return (Long) key(name, row, key);
    }

    /**
     * Request value {@code row} of column {@code name} in the forms of {@code values/FeatureValues}; {@code null}
     * when the client sent a null.
     *
     * @throws IllegalArgumentException naming the field, the expected type and what was sent
     */
    Object value(String name, int row, ValueType type);

    /**
     * The columns of {@code first} and {@code second}, {@code first}'s winning where both have a name: request data
     * from a dedicated field, else from the entity columns, as Feast's clients send it either way.
     */
    static RequestColumns union(RequestColumns first, RequestColumns second) {
        return new UnionColumns(first, second);
    }
}
