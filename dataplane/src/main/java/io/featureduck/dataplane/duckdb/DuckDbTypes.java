package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.source.ColumnType;
import java.util.stream.Collectors;

/** DuckDB's names for the table formats' logical types and for the types a FeatureView declares. */
public final class DuckDbTypes {
    private DuckDbTypes() {}

    /** The DuckDB type that holds values of {@code type}, used to cast what the data files hold. */
    public static String of(ColumnType type) {
        if (type instanceof ColumnType.Primitive p) {
            return scalar(p);
        }
        if (type instanceof ColumnType.ListOf list) {
            return of(list.element()) + "[]";
        }
        if (type instanceof ColumnType.MapOf map) {
            return "MAP(" + of(map.key()) + ", " + of(map.value()) + ")";
        }
        if (type instanceof ColumnType.StructOf struct) {
            return struct.fields().stream()
                    .map(f -> Sql.quote(f.name()) + " " + of(f.type()))
                    .collect(Collectors.joining(", ", "STRUCT(", ")"));
        }
        return ((ColumnType.Native) type).name();
    }

    private static String scalar(ColumnType.Primitive type) {
        return switch (type.scalar()) {
            case BOOLEAN -> "BOOLEAN";
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> "DECIMAL(" + type.precision() + "," + type.scale() + ")";
            case STRING -> "VARCHAR";
            case BINARY -> "BLOB";
            case UUID -> "UUID";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMPTZ";
            case TIMESTAMP_NTZ -> "TIMESTAMP";
        };
    }

    /** The DuckDB type of a declared feature or key type. */
    public static String of(ValueType type) {
        String element = switch (type.elementType()) {
            case STRING -> "VARCHAR";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOL -> "BOOLEAN";
            case TIMESTAMP -> "TIMESTAMPTZ";
            case DATE -> "DATE";
            case BYTES -> "BLOB";
            default -> throw new IllegalStateException(type.toString());
        };
        return type.isList() ? element + "[]" : element;
    }
}
