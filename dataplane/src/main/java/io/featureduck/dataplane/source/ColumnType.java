package io.featureduck.dataplane.source;

import java.util.List;

/**
 * The logical type of a source column, in table-format terms and independent of the engine that reads the data.
 * Nested fields keep their physical names because column-mapped tables store other names in the data files than
 * users see.
 */
public sealed interface ColumnType {

    /** Scalar types the table formats share (Delta, Iceberg, Parquet logical types). */
    enum Scalar {
        BOOLEAN,
        INT8,
        INT16,
        INT32,
        INT64,
        FLOAT32,
        FLOAT64,
        DECIMAL,
        STRING,
        BINARY,
        UUID,
        DATE,
        TIME,
        /** An instant: a timestamp adjusted to UTC. */
        TIMESTAMP,
        /** A local date-time: a timestamp without time zone. */
        TIMESTAMP_NTZ
    }

    /** A scalar; {@code precision} and {@code scale} only mean something for {@link Scalar#DECIMAL}. */
    record Primitive(Scalar scalar, int precision, int scale) implements ColumnType {
        public static Primitive of(Scalar scalar) {
            return new Primitive(scalar, 0, 0);
        }

        public static Primitive decimal(int precision, int scale) {
            return new Primitive(Scalar.DECIMAL, precision, scale);
        }
    }

    record ListOf(ColumnType element) implements ColumnType {}

    record MapOf(ColumnType key, ColumnType value) implements ColumnType {}

    record StructOf(List<SourceColumn> fields) implements ColumnType {
        public StructOf {
            fields = List.copyOf(fields);
        }
    }

    /**
     * A type of a DuckDB database file, named as DuckDB names it: that format is read by DuckDB itself, so its types
     * pass through unconverted.
     */
    record Native(String name) implements ColumnType {}

    /** Whether values are points in time, usable as event or created time. */
    default boolean isTime() {
        if (this instanceof Primitive p) {
            return p.scalar() == Scalar.TIMESTAMP || p.scalar() == Scalar.TIMESTAMP_NTZ || p.scalar() == Scalar.DATE;
        }
        return this instanceof Native n
                && (n.name().startsWith("TIMESTAMP") || n.name().equals("DATE"));
    }

    /** Whether any nested field is stored under another name than its logical one. */
    default boolean hasRenamedFields() {
        if (this instanceof ListOf list) {
            return list.element().hasRenamedFields();
        }
        if (this instanceof MapOf map) {
            return map.key().hasRenamedFields() || map.value().hasRenamedFields();
        }
        if (this instanceof StructOf struct) {
            return struct.fields().stream()
                    .anyMatch(f -> f.isRenamed() || f.type().hasRenamedFields());
        }
        return false;
    }
}
