package io.featureduck.dataplane.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse.FeatureVector;
import feast.proto.types.ValueProto.Int64List;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.EveryValueType;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC answer written straight from the index columns, for a view with a feature of every scalar type and a
 * list, holding edge values (extremes, NaN, negative zero, empty and non-ASCII strings, times before 1970) and
 * nulls: its bytes are exactly what protobuf writes for the message they parse to, and every value, status and time
 * equals the table as DuckDB reads it, turned into Feast values here.
 */
class ProtoAnswerWriterTest {
    private static final List<String> FEATURES =
            List.of("i32", "i64", "f32", "f64", "flag", "name", "blob", "seen_at", "day", "ids");
    private static final MethodDescriptor<GetOnlineFeaturesRequest, byte[]> ONLINE_BYTES =
            MethodDescriptor.<GetOnlineFeaturesRequest, byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("feast.serving.ServingService/GetOnlineFeatures")
                    .setRequestMarshaller(ProtoUtils.marshaller(GetOnlineFeaturesRequest.getDefaultInstance()))
                    .setResponseMarshaller(new BytesMarshaller())
                    .build();

    @TempDir
    static Path directory;

    static DataPlane dataPlane;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Path file = EveryValueType.write(directory, "{auth: {type: none}, maxResponseBytes: 65536}");
        ServingConfig config = new ServingConfigLoader().load(file);
        dataPlane = DataPlane.start(
                config, DataPlaneConfig.of(config).address("127.0.0.1", 0).build());
        dataPlane.initialLoad().join();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", dataPlane.grpcPort())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        dataPlane.close();
    }

    @Test
    void everyTypeIsWrittenAsProtobufWritesItAndEqualsTheTable() throws Exception {
        long[] ids = {1, 2, 3, 4, 99};
        byte[] bytes = ClientCalls.blockingUnaryCall(channel, ONLINE_BYTES, CallOptions.DEFAULT, request(ids));
        GetOnlineFeaturesResponse response = GetOnlineFeaturesResponse.parseFrom(bytes);
        assertThat(response.toByteArray())
                .as("protobuf's own encoding of the parsed message")
                .isEqualTo(bytes);

        List<String> names = new ArrayList<>(List.of("id"));
        FEATURES.forEach(feature -> names.add("values__" + feature));
        assertThat(response.getMetadata().getFeatureNames().getValList()).isEqualTo(names);
        FeatureVector keys = response.getResults(0);
        for (int e = 0; e < ids.length; e++) {
            assertThat(keys.getValues(e))
                    .isEqualTo(Value.newBuilder().setInt64Val(ids[e]).build());
            assertThat(keys.getStatuses(e).name()).isEqualTo("PRESENT");
            assertThat(keys.getEventTimestamps(e)).isEqualTo(Timestamp.getDefaultInstance());
        }

        List<List<Value>> expected = new ArrayList<>();
        List<Timestamp> times = new ArrayList<>();
        readTable(expected, times);
        for (int f = 0; f < FEATURES.size(); f++) {
            FeatureVector vector = response.getResults(f + 1);
            assertThat(vector.getValuesCount()).isEqualTo(ids.length);
            for (int e = 0; e < ids.length; e++) {
                String where = FEATURES.get(f) + " of id " + ids[e];
                if (ids[e] == 99) {
                    assertThat(vector.getStatuses(e).name()).as(where).isEqualTo("NOT_FOUND");
                    assertThat(vector.getValues(e)).as(where).isEqualTo(Value.getDefaultInstance());
                    assertThat(vector.getEventTimestamps(e)).as(where).isEqualTo(Timestamp.getDefaultInstance());
                    continue;
                }
                Value value = expected.get(e).get(f);
                assertThat(vector.getStatuses(e).name()).as(where).isEqualTo(value == null ? "NULL_VALUE" : "PRESENT");
                assertThat(vector.getValues(e)).as(where).isEqualTo(value == null ? Value.getDefaultInstance() : value);
                assertThat(vector.getEventTimestamps(e)).as(where).isEqualTo(times.get(e));
            }
        }
        // Times before 1970 are whole seconds rounded down, and a positive fraction.
        assertThat(response.getResults(1).getEventTimestamps(1).getSeconds()).isEqualTo(-14182940L);
        assertThat(response.getResults(1).getEventTimestamps(1).getNanos()).isEqualTo(123_456_000);
        assertThat(response.getResults(8).getValues(1).getUnixTimestampVal()).isEqualTo(-1L);
    }

    @Test
    void aRepeatedListIsAnsweredAlikeAndAnAnswerOverTheBudgetIsRefusedBeforeItIsWritten() throws Exception {
        byte[] first = ClientCalls.blockingUnaryCall(channel, ONLINE_BYTES, CallOptions.DEFAULT, request(4, 1));
        byte[] again = ClientCalls.blockingUnaryCall(channel, ONLINE_BYTES, CallOptions.DEFAULT, request(4, 1));
        assertThat(again).isEqualTo(first);

        long[] many = new long[500];
        java.util.Arrays.fill(many, 4);
        StatusRuntimeException refused = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, ONLINE_BYTES, CallOptions.DEFAULT, request(many)));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription()).contains("65536 bytes");
        // The server goes on answering.
        assertThat(ClientCalls.blockingUnaryCall(channel, ONLINE_BYTES, CallOptions.DEFAULT, request(4, 1)))
                .isEqualTo(first);
    }

    private static GetOnlineFeaturesRequest request(long... ids) {
        RepeatedValue.Builder keys = RepeatedValue.newBuilder();
        for (long id : ids) {
            keys.addVal(Value.newBuilder().setInt64Val(id));
        }
        FeatureList.Builder features = FeatureList.newBuilder();
        FEATURES.forEach(feature -> features.addVal("values:" + feature));
        return GetOnlineFeaturesRequest.newBuilder()
                .setFeatures(features)
                .putEntities("id", keys.build())
                .setFullFeatureNames(true)
                .build();
    }

    /** The table's rows 1..4 as Feast values (null where the table holds null) and event times, read by DuckDB. */
    private static void readTable(List<List<Value>> values, List<Timestamp> times) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT epoch_us(ts), i32, i64, f32, f64, flag, name, blob, "
                        + "epoch_us(seen_at), day::VARCHAR, to_json(ids)::VARCHAR FROM read_parquet('"
                        + directory.resolve("lakehouse/values/part-0.parquet") + "') ORDER BY id")) {
            while (rs.next()) {
                long micros = rs.getLong(1);
                times.add(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(micros, 1_000_000L))
                        .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000)
                        .build());
                List<Value> row = new ArrayList<>();
                row.add(
                        rs.getObject(2) == null
                                ? null
                                : Value.newBuilder().setInt32Val(rs.getInt(2)).build());
                row.add(
                        rs.getObject(3) == null
                                ? null
                                : Value.newBuilder().setInt64Val(rs.getLong(3)).build());
                row.add(
                        rs.getObject(4) == null
                                ? null
                                : Value.newBuilder().setFloatVal(rs.getFloat(4)).build());
                row.add(
                        rs.getObject(5) == null
                                ? null
                                : Value.newBuilder()
                                        .setDoubleVal(rs.getDouble(5))
                                        .build());
                row.add(
                        rs.getObject(6) == null
                                ? null
                                : Value.newBuilder()
                                        .setBoolVal(rs.getBoolean(6))
                                        .build());
                row.add(
                        rs.getObject(7) == null
                                ? null
                                : Value.newBuilder()
                                        .setStringVal(rs.getString(7))
                                        .build());
                row.add(
                        rs.getObject(8) == null
                                ? null
                                : Value.newBuilder()
                                        .setBytesVal(ByteString.copyFrom(rs.getBytes(8)))
                                        .build());
                row.add(
                        rs.getObject(9) == null
                                ? null
                                : Value.newBuilder()
                                        .setUnixTimestampVal(Math.floorDiv(rs.getLong(9), 1_000_000L))
                                        .build());
                row.add(
                        rs.getObject(10) == null
                                ? null
                                : Value.newBuilder()
                                        .setStringVal(rs.getString(10))
                                        .build());
                if (rs.getObject(11) == null) {
                    row.add(null);
                } else {
                    Int64List.Builder list = Int64List.newBuilder();
                    for (JsonNode item : json.readTree(rs.getString(11))) {
                        list.addVal(item.longValue());
                    }
                    row.add(Value.newBuilder().setInt64ListVal(list).build());
                }
                values.add(row);
            }
        }
    }

    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
