package io.featureduck.dataplane.lookup;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import java.util.Set;

/** The empty {@link RequestColumns}. */
enum NoColumns implements RequestColumns {
    INSTANCE;

    @Override
    public Set<String> names() {
        return Set.of();
    }

    @Override
    public boolean has(String name) {
        return false;
    }

    @Override
    public int size(String name) {
        return 0;
    }

    @Override
    public Object key(String name, int row, EntitySpec key) {
        throw new IllegalArgumentException("no column '" + name + "'");
    }

    @Override
    public Object value(String name, int row, ValueType type) {
        throw new IllegalArgumentException("no column '" + name + "'");
    }
}
