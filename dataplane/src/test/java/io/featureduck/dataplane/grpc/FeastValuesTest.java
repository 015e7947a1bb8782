package io.featureduck.dataplane.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every declared type as a Feast {@code Value}, and Feast values read back as keys and request data. */
class FeastValuesTest {
    @Test
    void everyDeclaredTypeHasItsFeastValue() {
        Instant time = Instant.parse("2026-01-31T12:00:00.750Z");
        assertThat(FeastValues.of(42, ValueType.INT32).getInt32Val()).isEqualTo(42);
        assertThat(FeastValues.of(42L, ValueType.INT64).getInt64Val()).isEqualTo(42L);
        assertThat(FeastValues.of(0.5f, ValueType.FLOAT32).getFloatVal()).isEqualTo(0.5f);
        assertThat(FeastValues.of(0.25, ValueType.FLOAT64).getDoubleVal()).isEqualTo(0.25);
        assertThat(FeastValues.of("a", ValueType.STRING).getStringVal()).isEqualTo("a");
        assertThat(FeastValues.of(true, ValueType.BOOL).getBoolVal()).isTrue();
        assertThat(FeastValues.of(new byte[] {1, 2}, ValueType.BYTES).getBytesVal())
                .isEqualTo(ByteString.copyFrom(new byte[] {1, 2}));
        // Feast's timestamps are whole epoch seconds; dates, which Feast has no type for, are ISO strings.
        assertThat(FeastValues.of(time, ValueType.TIMESTAMP).getUnixTimestampVal())
                .isEqualTo(time.getEpochSecond());
        assertThat(FeastValues.of(LocalDate.of(2026, 1, 31), ValueType.DATE).getStringVal())
                .isEqualTo("2026-01-31");
        assertThat(FeastValues.of(null, ValueType.INT64).getValCase()).isEqualTo(Value.ValCase.VAL_NOT_SET);

        assertThat(FeastValues.of(List.of(1, 2), ValueType.INT32_LIST)
                        .getInt32ListVal()
                        .getValList())
                .containsExactly(1, 2);
        assertThat(FeastValues.of(List.of(1L), ValueType.INT64_LIST)
                        .getInt64ListVal()
                        .getValList())
                .containsExactly(1L);
        assertThat(FeastValues.of(List.of(0.5f), ValueType.FLOAT32_LIST)
                        .getFloatListVal()
                        .getValList())
                .containsExactly(0.5f);
        assertThat(FeastValues.of(Arrays.asList(0.5, null), ValueType.FLOAT64_LIST)
                        .getDoubleListVal()
                        .getValList())
                .as("a null element is left out")
                .containsExactly(0.5);
        assertThat(FeastValues.of(List.of("a"), ValueType.STRING_LIST)
                        .getStringListVal()
                        .getValList())
                .containsExactly("a");
        assertThat(FeastValues.of(List.of(false), ValueType.BOOL_LIST)
                        .getBoolListVal()
                        .getValList())
                .containsExactly(false);
        assertThat(FeastValues.of(List.of(new byte[] {3}), ValueType.BYTES_LIST)
                        .getBytesListVal()
                        .getVal(0))
                .isEqualTo(ByteString.copyFrom(new byte[] {3}));
        assertThat(FeastValues.of(List.of(time), ValueType.TIMESTAMP_LIST)
                        .getUnixTimestampListVal()
                        .getValList())
                .containsExactly(time.getEpochSecond());
        assertThat(FeastValues.of(List.of(LocalDate.of(2026, 1, 31)), ValueType.DATE_LIST)
                        .getStringListVal()
                        .getValList())
                .containsExactly("2026-01-31");
    }

    private static ProtoColumns column(String name, Value... values) {
        return new ProtoColumns(Map.of(
                name, RepeatedValue.newBuilder().addAllVal(List.of(values)).build()));
    }

    @Test
    void keysAndRequestDataAreReadAsTheirDeclaredTypes() {
        Value int32 = Value.newBuilder().setInt32Val(7).build();
        Value int64 = Value.newBuilder().setInt64Val(7).build();
        assertThat(column("k", int32).key("k", 0, new EntitySpec("k", ValueType.INT64)))
                .isEqualTo(7L);
        assertThat(column("k", int64).key("k", 0, new EntitySpec("k", ValueType.INT32)))
                .isEqualTo(7L);
        assertThatThrownBy(() -> column(
                                "k", Value.newBuilder().setInt64Val(1L << 40).build())
                        .key("k", 0, new EntitySpec("k", ValueType.INT32)))
                .hasMessageContaining("int32");
        assertThatThrownBy(
                        () -> column("k", Value.newBuilder().setStringVal("7").build())
                                .key("k", 0, new EntitySpec("k", ValueType.INT64)))
                .hasMessageContaining("string_val");
        assertThat(column("k", Value.newBuilder().setUnixTimestampVal(10).build())
                        .key("k", 0, new EntitySpec("k", ValueType.TIMESTAMP)))
                .isEqualTo(10_000_000L);
        assertThat(column("k", Value.newBuilder().setStringVal("1970-01-11").build())
                        .key("k", 0, new EntitySpec("k", ValueType.DATE)))
                .isEqualTo(10L);
        assertThat(column(
                                "k",
                                Value.newBuilder()
                                        .setBytesVal(ByteString.copyFrom(new byte[] {9}))
                                        .build())
                        .key("k", 0, new EntitySpec("k", ValueType.BYTES)))
                .isEqualTo(ByteBuffer.wrap(new byte[] {9}));

        assertThat(column("r", int64).value("r", 0, ValueType.FLOAT64)).isEqualTo(7.0);
        assertThat(column("r", int64).value("r", 0, ValueType.INT32)).isEqualTo(7);
        assertThat(column("r", Value.getDefaultInstance()).value("r", 0, ValueType.STRING))
                .isNull();
        assertThat(column("r", Value.newBuilder().setUnixTimestampVal(5).build())
                        .value("r", 0, ValueType.TIMESTAMP))
                .isEqualTo(Instant.ofEpochSecond(5));
        assertThat(column("r", FeastValues.of(List.of(1L, 2L), ValueType.INT64_LIST))
                        .value("r", 0, ValueType.INT64_LIST))
                .isEqualTo(List.of(1L, 2L));
        assertThatThrownBy(() ->
                        column("r", Value.newBuilder().setBoolVal(true).build()).value("r", 0, ValueType.STRING))
                .hasMessageContaining("request data 'r'");
    }
}
