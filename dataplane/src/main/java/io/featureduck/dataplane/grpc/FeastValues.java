package io.featureduck.dataplane.grpc;

import com.google.protobuf.ByteString;
import feast.proto.types.ValueProto;
import feast.proto.types.ValueProto.Value;
import io.featureduck.crds.ValueType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Feature values (the forms of {@code values/FeatureValues}) as Feast {@code Value}s, by the view's declared type:
 * int32/int64/float/double/string/bool/bytes as themselves, timestamps as Feast's {@code unix_timestamp_val} (whole
 * seconds), dates as ISO strings (Feast has no date type), lists as the matching list values. An absent value is an
 * empty {@code Value}, as Feast answers it.
 */
final class FeastValues {
    static final Value ABSENT = Value.getDefaultInstance();

    private FeastValues() {}

    static Value of(Object value, ValueType type) {
        if (value == null) {
            return ABSENT;
        }
        Value.Builder out = Value.newBuilder();
        if (type.isList()) {
            return list(out, (List<?>) value, type.elementType()).build();
        }
        switch (type) {
            case STRING -> out.setStringVal((String) value);
            case INT32 -> out.setInt32Val((Integer) value);
            case INT64 -> out.setInt64Val((Long) value);
            case FLOAT32 -> out.setFloatVal((Float) value);
            case FLOAT64 -> out.setDoubleVal((Double) value);
            case BOOL -> out.setBoolVal((Boolean) value);
            case BYTES -> out.setBytesVal(ByteString.copyFrom((byte[]) value));
            case TIMESTAMP -> out.setUnixTimestampVal(((Instant) value).getEpochSecond());
            case DATE -> out.setStringVal(value.toString());
            default -> throw new IllegalArgumentException("not a scalar type: " + type);
        }
        return out.build();
    }

    @SuppressWarnings("unchecked")
    private static Value.Builder list(Value.Builder out, List<?> items, ValueType element) {
        // Feast's list values cannot hold nulls; a null element is left out, as Feast's own writers do.
        switch (element) {
            case STRING ->
                out.setStringListVal(ValueProto.StringList.newBuilder().addAllVal((List<String>) nonNull(items)));
            case INT32 ->
                out.setInt32ListVal(ValueProto.Int32List.newBuilder().addAllVal((List<Integer>) nonNull(items)));
            case INT64 -> out.setInt64ListVal(ValueProto.Int64List.newBuilder().addAllVal((List<Long>) nonNull(items)));
            case FLOAT32 ->
                out.setFloatListVal(ValueProto.FloatList.newBuilder().addAllVal((List<Float>) nonNull(items)));
            case FLOAT64 ->
                out.setDoubleListVal(ValueProto.DoubleList.newBuilder().addAllVal((List<Double>) nonNull(items)));
            case BOOL -> out.setBoolListVal(ValueProto.BoolList.newBuilder().addAllVal((List<Boolean>) nonNull(items)));
            case BYTES -> {
                ValueProto.BytesList.Builder bytes = ValueProto.BytesList.newBuilder();
                nonNull(items).forEach(b -> bytes.addVal(ByteString.copyFrom((byte[]) b)));
                out.setBytesListVal(bytes);
            }
            case TIMESTAMP -> {
                ValueProto.Int64List.Builder seconds = ValueProto.Int64List.newBuilder();
                nonNull(items).forEach(t -> seconds.addVal(((Instant) t).getEpochSecond()));
                out.setUnixTimestampListVal(seconds);
            }
            case DATE -> {
                ValueProto.StringList.Builder dates = ValueProto.StringList.newBuilder();
                nonNull(items).forEach(d -> dates.addVal(((LocalDate) d).toString()));
                out.setStringListVal(dates);
            }
            default -> throw new IllegalArgumentException("not an element type: " + element);
        }
        return out;
    }

    private static List<?> nonNull(List<?> items) {
        // Not items.contains(null): immutable lists throw on it.
        for (Object item : items) {
            if (item == null) {
                return items.stream().filter(java.util.Objects::nonNull).toList();
            }
        }
        return items;
    }
}
