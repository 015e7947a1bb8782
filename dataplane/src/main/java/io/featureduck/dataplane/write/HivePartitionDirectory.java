package io.featureduck.dataplane.write;

import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.util.PartitionUtils;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.ColumnType;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.values.EpochMicros;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hive-style partition directories ({@code column=value}, the value escaped as Spark, delta-rs and Hive escape it),
 * for Delta tables and plain Parquet directories alike. Named by Delta Kernel's own {@code PartitionUtils}, the
 * function Kernel's write context uses, so that what is checked here is what is written.
 *
 * <p>Some values have no faithful directory name. They are refused before anything is written:
 * <ul>
 *   <li>a name longer than the 255 bytes file systems allow for one directory entry;</li>
 *   <li>a NUL character, which no file name may hold and Hive's escaping leaves as it is;</li>
 *   <li>an empty string, which every Hive-style reader reads back as null;</li>
 *   <li>in a plain directory, a null (and the text {@value #NULL_DIRECTORY}), because the directory name is the
 *       only record of the value there, and readers disagree on what that name means.</li>
 * </ul>
 */
final class HivePartitionDirectory {
    /** The longest directory entry Linux file systems (ext4, xfs) and object-store clients accept, in bytes. */
    static final int MAX_NAME_BYTES = 255;
    /** The directory Hive-style writers name a null value with. */
    static final String NULL_DIRECTORY = "__HIVE_DEFAULT_PARTITION__";

    private HivePartitionDirectory() {}

    /**
     * Refuses rows with a partition value that has no faithful directory name, naming the column and row.
     *
     * @param nullsAllowed whether a null has a directory of its own (Delta: the log records the null)
     */
    static void check(String view, PushedRows rows, boolean nullsAllowed) {
        for (int c = 0; c < rows.columns().size(); c++) {
            SourceColumn column = rows.columns().get(c);
            if (!column.partition()) {
                continue;
            }
            // Each distinct value once (its directory name takes a Hadoop path to build), named by its first row.
            Set<Object> seen = new HashSet<>();
            for (int r = 0; r < rows.size(); r++) {
                Object value = rows.rows().get(r)[c];
                if (!seen.add(value)) {
                    continue;
                }
                Optional<String> problem = unrepresentable(column, value, nullsAllowed);
                if (problem.isPresent()) {
                    throw FeatureDuckException.ofView(
                            ErrorCode.INVALID_PUSH,
                            view,
                            "column '" + column.name() + "', row " + r + ": " + problem.get());
                }
            }
        }
    }

    /** Why {@code value} of {@code column} has no faithful directory, if it has none. */
    static Optional<String> unrepresentable(SourceColumn column, Object value, boolean nullsAllowed) {
        if (value == null) {
            return nullsAllowed
                    ? Optional.empty()
                    : Optional.of("it names the directory its row goes to, so it cannot " + "be null");
        }
        if (value instanceof String text) {
            if (text.isEmpty()) {
                return Optional.of(
                        "an empty string names a partition directory that Hive-style readers read back as " + "null");
            }
            if (text.indexOf('\0') >= 0) {
                return Optional.of("a partition value cannot hold the NUL character");
            }
            if (!nullsAllowed && text.equals(NULL_DIRECTORY)) {
                return Optional.of("'" + NULL_DIRECTORY + "' is how Hive-style directories name null");
            }
        }
        String name = name(column, value);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return Optional.of("its partition directory name would take " + bytes + " bytes, more than the "
                    + MAX_NAME_BYTES + " a file system allows");
        }
        return Optional.empty();
    }

    /** The directory of {@code values} (one per column of {@code columns}) below {@code root}, a Hadoop path. */
    static String directory(String root, List<SourceColumn> columns, List<Object> values) {
        Map<String, Literal> literals = new java.util.HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            literals.put(
                    columns.get(i).name(), literal(values.get(i), columns.get(i).type()));
        }
        return PartitionUtils.getTargetDirectory(
                root, columns.stream().map(SourceColumn::name).toList(), literals);
    }

    /** One level of the directory: {@code column=escaped value}. */
    private static String name(SourceColumn column, Object value) {
        String directory = directory("/", List.of(column), java.util.Collections.singletonList(value));
        return directory.substring(directory.lastIndexOf('/') + 1);
    }

    /** A pushed value (in the forms {@link PushedRows} holds) as a Kernel literal of its column's type. */
    static Literal literal(Object value, ColumnType type) {
        DataType kernelType = kernelType(type);
        if (value == null) {
            return Literal.ofNull(kernelType);
        }
        ColumnType.Scalar scalar = ((ColumnType.Primitive) type).scalar();
        return switch (scalar) {
            case STRING -> Literal.ofString((String) value);
            case INT64 -> Literal.ofLong((Long) value);
            case INT32 -> Literal.ofInt(Math.toIntExact((Long) value));
            case INT16 -> Literal.ofShort((short) (long) (Long) value);
            case INT8 -> Literal.ofByte((byte) (long) (Long) value);
            case BOOLEAN -> Literal.ofBoolean((Boolean) value);
            case FLOAT64 -> Literal.ofDouble((Double) value);
            case FLOAT32 -> Literal.ofFloat((float) (double) (Double) value);
            case DATE -> Literal.ofDate(Math.toIntExact(((LocalDate) value).toEpochDay()));
            case TIMESTAMP -> Literal.ofTimestamp(EpochMicros.of((Instant) value));
            case TIMESTAMP_NTZ -> Literal.ofTimestampNtz(EpochMicros.of((LocalDateTime) value));
            case DECIMAL ->
                Literal.ofDecimal(
                        (BigDecimal) value,
                        ((ColumnType.Primitive) type).precision(),
                        ((ColumnType.Primitive) type).scale());
            case BINARY -> Literal.ofBinary((byte[]) value);
            case UUID, TIME ->
                throw new UnsupportedOperationException("a partition column of type "
                        + scalar.name().toLowerCase(java.util.Locale.ROOT) + " cannot be pushed to");
        };
    }

    private static DataType kernelType(ColumnType type) {
        if (!(type instanceof ColumnType.Primitive primitive)) {
            throw new UnsupportedOperationException("a nested partition column cannot be pushed to");
        }
        return switch (primitive.scalar()) {
            case STRING -> StringType.STRING;
            case INT64 -> LongType.LONG;
            case INT32 -> IntegerType.INTEGER;
            case INT16 -> ShortType.SHORT;
            case INT8 -> ByteType.BYTE;
            case BOOLEAN -> BooleanType.BOOLEAN;
            case FLOAT64 -> DoubleType.DOUBLE;
            case FLOAT32 -> FloatType.FLOAT;
            case DATE -> DateType.DATE;
            case TIMESTAMP -> TimestampType.TIMESTAMP;
            case TIMESTAMP_NTZ -> TimestampNTZType.TIMESTAMP_NTZ;
            case DECIMAL -> new DecimalType(primitive.precision(), primitive.scale());
            case BINARY -> BinaryType.BINARY;
            case UUID, TIME ->
                throw new UnsupportedOperationException("a partition column of type "
                        + primitive.scalar().name().toLowerCase(java.util.Locale.ROOT) + " cannot be pushed to");
        };
    }
}
