package io.featureduck.dataplane.lookup;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import java.util.LinkedHashSet;
import java.util.Set;

/** The columns of two requests' parts, the first's winning where both have a name. */
record UnionColumns(RequestColumns first, RequestColumns second) implements RequestColumns {
    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(first.names());
        names.addAll(second.names());
        return names;
    }

    @Override
    public boolean has(String name) {
        return first.has(name) || second.has(name);
    }

    @Override
    public int size(String name) {
        return first.has(name) ? first.size(name) : second.size(name);
    }

    @Override
    public Object key(String name, int row, EntitySpec key) {
        return first.has(name) ? first.key(name, row, key) : second.key(name, row, key);
    }

    @Override
    public long longKey(String name, int row, EntitySpec key) {
        return first.has(name) ? first.longKey(name, row, key) : second.longKey(name, row, key);
    }

    @Override
    public Object value(String name, int row, ValueType type) {
        return first.has(name) ? first.value(name, row, type) : second.value(name, row, type);
    }
}
