package io.featureduck.dataplane.source;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The logical type of a source column, independent of the table format. Nested fields keep their physical names
 * because column-mapped tables store other names in the data files than users see.
 */
public sealed interface ColumnType {

    /** DuckDB's name for this type, used to cast what the data files hold into the logical type. */
    String duckDbType();

    /** A scalar, named by its DuckDB type ({@code BIGINT}, {@code TIMESTAMPTZ}, {@code DECIMAL(10,2)}, ...). */
    record Primitive(String duckDbType) implements ColumnType {
    }

    record ListOf(ColumnType element) implements ColumnType {
        @Override
        public String duckDbType() {
            return element.duckDbType() + "[]";
        }
    }

    record MapOf(ColumnType key, ColumnType value) implements ColumnType {
        @Override
        public String duckDbType() {
            return "MAP(" + key.duckDbType() + ", " + value.duckDbType() + ")";
        }
    }

    record StructOf(List<SourceColumn> fields) implements ColumnType {
        public StructOf {
            fields = List.copyOf(fields);
        }

        @Override
        public String duckDbType() {
            return fields.stream()
                    .map(f -> SqlIdentifiers.quote(f.name()) + " " + f.type().duckDbType())
                    .collect(Collectors.joining(", ", "STRUCT(", ")"));
        }
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
            return struct.fields().stream().anyMatch(f -> f.isRenamed() || f.type().hasRenamedFields());
        }
        return false;
    }
}
