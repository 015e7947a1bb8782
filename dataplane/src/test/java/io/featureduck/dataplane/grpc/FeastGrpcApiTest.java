package io.featureduck.dataplane.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.GetFeastServingInfoRequest;
import feast.proto.serving.ServingAPIProto.GetFeastServingInfoResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feast's gRPC ServingService of a real data plane, called with grpc-java (an independent client implementation)
 * over a real socket: answers equal the HTTP route's for the same request, and bad input gets its status code
 * without harming the server.
 */
class FeastGrpcApiTest {
    private static final String TOKEN = "grpc-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> ONLINE =
            method("GetOnlineFeatures", ProtoUtils.marshaller(GetOnlineFeaturesRequest.getDefaultInstance()));
    private static final MethodDescriptor<byte[], GetOnlineFeaturesResponse> ONLINE_RAW =
            method("GetOnlineFeatures", new RawBytes());
    private static final MethodDescriptor<GetFeastServingInfoRequest, GetFeastServingInfoResponse> INFO =
            MethodDescriptor.<GetFeastServingInfoRequest, GetFeastServingInfoResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("feast.serving.ServingService/GetFeastServingInfo")
                    .setRequestMarshaller(ProtoUtils.marshaller(GetFeastServingInfoRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(GetFeastServingInfoResponse.getDefaultInstance()))
                    .build();
    private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> HEALTH =
            MethodDescriptor.<HealthCheckRequest, HealthCheckResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("grpc.health.v1.Health/Check")
                    .setRequestMarshaller(ProtoUtils.marshaller(HealthCheckRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(HealthCheckResponse.getDefaultInstance()))
                    .build();

    @TempDir
    static Path directory;

    static DataPlane dataPlane;
    static ManagedChannel channel;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path file = new DemoLakehouse(50, 4).write(directory, Instant.now());
        Files.writeString(
                file,
                Files.readString(file)
                        .replaceFirst("auth: \\{type: none\\}.*", "auth: {type: bearer, tokenSecretName: t}"));
        Path tokens = Files.writeString(directory.resolve("tokens"), TOKEN + "\n");
        ServingConfig config = new ServingConfigLoader().load(file);
        dataPlane = DataPlane.start(
                config,
                DataPlaneConfig.of(config)
                        .address("127.0.0.1", 0)
                        .authTokenFile(tokens)
                        .build());
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

    private static <Req> MethodDescriptor<Req, GetOnlineFeaturesResponse> method(
            String name, MethodDescriptor.Marshaller<Req> in) {
        return MethodDescriptor.<Req, GetOnlineFeaturesResponse>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("feast.serving.ServingService/" + name)
                .setRequestMarshaller(in)
                .setResponseMarshaller(ProtoUtils.marshaller(GetOnlineFeaturesResponse.getDefaultInstance()))
                .build();
    }

    /** Sends whatever bytes it is given as the request message. */
    private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            throw new UnsupportedOperationException();
        }
    }

    private static CallOptions authorized() {
        return CallOptions.DEFAULT.withCallCredentials(new io.grpc.CallCredentials() {
            @Override
            public void applyRequestMetadata(
                    RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
                applier.apply(headers);
            }
        });
    }

    private static GetOnlineFeaturesResponse call(GetOnlineFeaturesRequest request) {
        return ClientCalls.blockingUnaryCall(channel, ONLINE, authorized(), request);
    }

    private static Status.Code failing(GetOnlineFeaturesRequest request) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> call(request))
                .getStatus()
                .getCode();
    }

    private static RepeatedValue int64s(long... values) {
        RepeatedValue.Builder column = RepeatedValue.newBuilder();
        for (long value : values) {
            column.addVal(Value.newBuilder().setInt64Val(value));
        }
        return column.build();
    }

    private static GetOnlineFeaturesRequest request(List<String> features, long... drivers) {
        return GetOnlineFeaturesRequest.newBuilder()
                .setFeatures(FeatureList.newBuilder().addAllVal(features))
                .putEntities("driver_id", int64s(drivers))
                .build();
    }

    private static JsonNode http(String body) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.port() + "/get-online-features"))
                        .header("authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** A Feast value as the JSON the HTTP route writes for it (timestamps there are ISO strings, here seconds). */
    private static Object plain(Value value) {
        return switch (value.getValCase()) {
            case VAL_NOT_SET -> null;
            case INT64_VAL -> value.getInt64Val();
            case INT32_VAL -> (long) value.getInt32Val();
            // The HTTP route writes a float32 as its shortest decimal, which is what Float.toString gives.
            case FLOAT_VAL -> Double.parseDouble(Float.toString(value.getFloatVal()));
            case DOUBLE_VAL -> value.getDoubleVal();
            case STRING_VAL -> value.getStringVal();
            case BOOL_VAL -> value.getBoolVal();
            case STRING_LIST_VAL -> value.getStringListVal().getValList();
            default -> throw new AssertionError("unexpected value kind in this test: " + value.getValCase());
        };
    }

    private static Object plain(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return items;
        }
        return value.isBoolean() ? value.booleanValue() : value.asText();
    }

    @Test
    void servingInfoAndHealth() {
        GetFeastServingInfoResponse info = ClientCalls.blockingUnaryCall(
                channel, INFO, authorized(), GetFeastServingInfoRequest.getDefaultInstance());
        assertThat(info.getVersion()).startsWith("featureduck-");
        // Probes carry no token: the health service needs none.
        HealthCheckResponse health = ClientCalls.blockingUnaryCall(
                channel, HEALTH, CallOptions.DEFAULT, HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(ClientCalls.blockingUnaryCall(
                                channel,
                                HEALTH,
                                CallOptions.DEFAULT,
                                HealthCheckRequest.newBuilder()
                                        .setService("feast.serving.ServingService")
                                        .build())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(catchThrowableOfType(
                                StatusRuntimeException.class,
                                () -> ClientCalls.blockingUnaryCall(
                                        channel,
                                        HEALTH,
                                        CallOptions.DEFAULT,
                                        HealthCheckRequest.newBuilder()
                                                .setService("other")
                                                .build()))
                        .getStatus()
                        .getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void answersEqualTheHttpRouteValueByValue() throws Exception {
        List<String> features = List.of(
                "driver-stats:conv_rate",
                "driver-stats:avg_daily_trips",
                "driver-stats:high_performer",
                "driver-profile:name",
                "driver-profile:rating",
                "driver-profile:signup_date",
                "driver-profile:languages");
        // 1001 stopped reporting three days ago (OUTSIDE_MAX_AGE with the 48h TTL), 99999 does not exist.
        long[] drivers = {1001, 1010, 99999, 1020};
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        GetOnlineFeaturesResponse grpc = ClientCalls.blockingUnaryCall(
                io.grpc.ClientInterceptors.intercept(
                        channel, MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)),
                ONLINE,
                authorized(),
                request(features, drivers));
        JsonNode http = http("{\"features\": " + JSON.writeValueAsString(features)
                + ", \"entities\": {\"driver_id\": [1001, 1010, 99999, 1020]}}");

        List<String> names = new ArrayList<>();
        http.path("metadata").path("feature_names").forEach(n -> names.add(n.asText()));
        assertThat(grpc.getMetadata().getFeatureNames().getValList()).isEqualTo(names);
        assertThat(grpc.getResultsCount()).isEqualTo(http.path("results").size());
        for (int column = 0; column < grpc.getResultsCount(); column++) {
            var vector = grpc.getResults(column);
            JsonNode expected = http.path("results").get(column);
            for (int e = 0; e < drivers.length; e++) {
                String where = names.get(column) + " of driver " + drivers[e];
                assertThat(vector.getStatuses(e).name())
                        .as(where)
                        .isEqualTo(expected.path("statuses").get(e).asText());
                var time = vector.getEventTimestamps(e);
                assertThat(Instant.ofEpochSecond(time.getSeconds(), time.getNanos()))
                        .as(where)
                        .isEqualTo(Instant.parse(
                                expected.path("event_timestamps").get(e).asText()));
                assertThat(plain(vector.getValues(e)))
                        .as(where)
                        .isEqualTo(plain(expected.path("values").get(e)));
            }
        }
        var convRate = grpc.getResults(1);
        assertThat(convRate.getStatuses(0).name()).isEqualTo("OUTSIDE_MAX_AGE");
        assertThat(convRate.getStatuses(1).name()).isEqualTo("PRESENT");
        assertThat(convRate.getStatuses(2).name()).isEqualTo("NOT_FOUND");
        assertThat(convRate.getValues(1).getValCase()).isEqualTo(Value.ValCase.FLOAT_VAL);
        assertThat(grpc.getResults(2).getValues(1).getValCase()).isEqualTo(Value.ValCase.INT64_VAL);

        String versions =
                headers.get().get(Metadata.Key.of("featureduck-table-versions", Metadata.ASCII_STRING_MARSHALLER));
        assertThat(versions)
                .isEqualTo("driver-stats="
                        + http.at("/metadata/table_versions/driver-stats").asLong() + ",driver-profile="
                        + http.at("/metadata/table_versions/driver-profile").asLong());
    }

    @Test
    void fullFeatureNamesNameEveryColumnByItsView() {
        GetOnlineFeaturesResponse full =
                call(request(List.of("driver-stats:conv_rate", "driver-profile:name"), 1010).toBuilder()
                        .setFullFeatureNames(true)
                        .build());
        assertThat(full.getMetadata().getFeatureNames().getValList())
                .containsExactly("driver_id", "driver-stats__conv_rate", "driver-profile__name");
        // Without them, two views' features of one name would be one column: refused, as Feast refuses it.
        assertThat(failing(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder()
                                .addVal("driver-stats:conv_rate")
                                .addVal("driver-stats:acc_rate"))
                        .putEntities("conv_rate", int64s(1))
                        .putEntities("driver_id", int64s(1))
                        .build()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aFeatureServiceAnswersAsItsFeatures() {
        GetOnlineFeaturesResponse byService = call(GetOnlineFeaturesRequest.newBuilder()
                .setFeatureService("driver-activity")
                .putEntities("driver_id", int64s(1010, 1011))
                .build());
        GetOnlineFeaturesResponse listed = call(request(
                List.of(
                        "driver-stats:conv_rate",
                        "driver-stats:acc_rate",
                        "driver-stats:avg_daily_trips",
                        "driver-profile:name",
                        "driver-profile:vehicle_type",
                        "driver-profile:rating",
                        "driver-profile:signup_date",
                        "driver-profile:languages"),
                1010,
                1011));
        assertThat(byService).isEqualTo(listed);
    }

    @Test
    void onDemandFeaturesReadRequestDataFromEitherField() {
        List<String> features = List.of("driver-stats:conv_rate", "driver-stats:conv_rate_plus_val1");
        GetOnlineFeaturesResponse inContext = call(request(features, 1010, 1011, 99999).toBuilder()
                .putRequestContext("val_to_add", int64s(10, 20, 30))
                .build());
        GetOnlineFeaturesResponse inEntities = call(request(features, 1010, 1011, 99999).toBuilder()
                .putEntities("val_to_add", int64s(10, 20, 30))
                .build());
        for (GetOnlineFeaturesResponse response : List.of(inContext, inEntities)) {
            var convRate = response.getResults(
                    response.getMetadata().getFeatureNames().getValList().indexOf("conv_rate"));
            var plus = response.getResults(
                    response.getMetadata().getFeatureNames().getValList().indexOf("conv_rate_plus_val1"));
            assertThat(plus.getValues(0).getDoubleVal())
                    .isEqualTo(convRate.getValues(0).getFloatVal() + 10.0);
            assertThat(plus.getValues(1).getDoubleVal())
                    .isEqualTo(convRate.getValues(1).getFloatVal() + 20.0);
            assertThat(plus.getStatuses(2).name()).isEqualTo("NOT_FOUND");
            assertThat(plus.getEventTimestamps(0)).isEqualTo(convRate.getEventTimestamps(0));
        }
        // A null request value gives a null feature, not an error.
        GetOnlineFeaturesResponse withNull = call(request(features, 1010).toBuilder()
                .putRequestContext(
                        "val_to_add",
                        RepeatedValue.newBuilder()
                                .addVal(Value.getDefaultInstance())
                                .build())
                .build());
        assertThat(withNull.getResults(2).getStatuses(0).name()).isEqualTo("NULL_VALUE");
    }

    /** Zeros, made as they are read: a message of any size without holding it in memory. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long bytes) {
            left = bytes;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    /** Bytes the data plane's event loops have allocated so far. */
    private static long eventLoopAllocations() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("vert.x-eventloop-thread")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return total;
    }

    /**
     * 400 MB of zeros compress to about 400 KB, under the 1 MiB message limit that Vert.x checks on the compressed
     * size: each is refused once it inflates past the limit, and inflating stops there. Three at once allocate a few
     * megabytes on the event loops, not the 1.2 GB they unfold to.
     */
    @Test
    void gzipBombsAreRefusedAtTheInflatedLimitWithoutInflatingThem() throws Exception {
        MethodDescriptor<InputStream, GetOnlineFeaturesResponse> bomb =
                method("GetOnlineFeatures", new MethodDescriptor.Marshaller<>() {
                    @Override
                    public InputStream stream(InputStream value) {
                        return value;
                    }

                    @Override
                    public InputStream parse(InputStream stream) {
                        throw new UnsupportedOperationException();
                    }
                });
        long before = eventLoopAllocations();
        List<java.util.concurrent.CompletableFuture<Status.Code>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> catchThrowableOfType(
                            StatusRuntimeException.class,
                            () -> ClientCalls.blockingUnaryCall(
                                    channel, bomb, authorized().withCompression("gzip"), new Zeros(400L << 20)))
                    .getStatus()
                    .getCode()));
        }
        for (java.util.concurrent.CompletableFuture<Status.Code> call : calls) {
            assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
        long allocated = eventLoopAllocations() - before;
        assertThat(allocated)
                .as("bytes allocated on the event loops by three bombs")
                .isLessThan(64L << 20);
        assertThat(call(request(List.of("driver-stats:conv_rate"), 1010))
                        .getResults(1)
                        .getStatuses(0)
                        .name())
                .isEqualTo("PRESENT");
    }

    @Test
    void aMalformedHealthCheckIsAnsweredInvalidArgumentNotReset() {
        MethodDescriptor<byte[], HealthCheckResponse> rawHealth =
                MethodDescriptor.<byte[], HealthCheckResponse>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName("grpc.health.v1.Health/Check")
                        .setRequestMarshaller(new RawBytes())
                        .setResponseMarshaller(ProtoUtils.marshaller(HealthCheckResponse.getDefaultInstance()))
                        .build();
        StatusRuntimeException refused = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel, rawHealth, CallOptions.DEFAULT, new byte[] {(byte) 0xff, 1, 2}));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("Health/Check");
    }

    @Test
    void randomBytesAndHostileMessagesAreRefusedWithoutInternalErrors() {
        java.util.Random random = new java.util.Random(13);
        java.util.Set<Status.Code> allowed = java.util.EnumSet.of(
                Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND, Status.Code.RESOURCE_EXHAUSTED);
        for (int i = 0; i < 300; i++) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            Status.Code code;
            try {
                ClientCalls.blockingUnaryCall(channel, ONLINE_RAW, authorized(), garbage);
                code = Status.Code.OK;
            } catch (StatusRuntimeException e) {
                code = e.getStatus().getCode();
            }
            assertThat(code).as("random message %d", i).isIn(allowed);
        }
        // Well-formed messages with hostile contents: long names, many columns, deep lists, huge request data.
        RepeatedValue hugeList = RepeatedValue.newBuilder()
                .addVal(Value.newBuilder()
                        .setInt64ListVal(feast.proto.types.ValueProto.Int64List.newBuilder()
                                .addAllVal(java.util.Collections.nCopies(50_000, 7L))))
                .build();
        List<GetOnlineFeaturesRequest> hostile = List.of(
                request(List.of("x".repeat(10_000) + ":y"), 1010),
                request(List.of("\u00e9\ud83e\udd86".repeat(2_000) + ":y"), 1010),
                request(List.of("driver-stats:conv_rate"), 1010).toBuilder()
                        .putEntities("k".repeat(5000), int64s(1))
                        .build(),
                request(List.of("driver-stats:conv_rate_plus_val1"), 1010).toBuilder()
                        .putRequestContext("val_to_add", hugeList)
                        .build(),
                request(List.of("driver-stats:conv_rate"), 1010).toBuilder()
                        .putEntities(
                                "driver_id",
                                RepeatedValue.newBuilder()
                                        .addVal(Value.newBuilder().setNullVal(feast.proto.types.ValueProto.Null.NULL))
                                        .build())
                        .build());
        for (GetOnlineFeaturesRequest request : hostile) {
            Status.Code code;
            try {
                call(request);
                code = Status.Code.OK;
            } catch (StatusRuntimeException e) {
                code = e.getStatus().getCode();
            }
            String shown = request.toString();
            assertThat(code)
                    .as(shown.substring(0, Math.min(80, shown.length())))
                    .isIn(allowed);
        }
        assertThat(call(request(List.of("driver-stats:conv_rate"), 1010))
                        .getResults(1)
                        .getStatuses(0)
                        .name())
                .isEqualTo("PRESENT");
    }

    @Test
    void badInputGetsItsStatusCodeAndTheServerKeepsServing() throws Exception {
        assertThat(failing(request(List.of("nope:x"), 1010))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failing(request(List.of("driver-stats:nope"), 1010))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failing(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatureService("nope")
                        .putEntities("driver_id", int64s(1))
                        .build()))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failing(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder().addVal("driver-stats:conv_rate"))
                        .putEntities(
                                "driver_id",
                                RepeatedValue.newBuilder()
                                        .addVal(Value.newBuilder().setStringVal("1010"))
                                        .build())
                        .build()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException missingRequestData = catchThrowableOfType(
                StatusRuntimeException.class, () -> call(request(List.of("driver-stats:conv_rate_plus_val1"), 1010)));
        assertThat(missingRequestData.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(missingRequestData.getStatus().getDescription()).contains("val_to_add");
        assertThat(missingRequestData
                        .getTrailers()
                        .get(Metadata.Key.of("featureduck-error-code", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("MISSING_REQUEST_DATA");
        long[] tooMany = new long[1001];
        assertThat(failing(request(List.of("driver-stats:conv_rate"), tooMany)))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failing(GetOnlineFeaturesRequest.newBuilder()
                        .putEntities("driver_id", int64s(1))
                        .build()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        // Not a protobuf message at all: a field tag with a truncated length.
        StatusRuntimeException malformed = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, ONLINE_RAW, authorized(), new byte[] {0x12, 0x7f, 0x01}));
        assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException anonymous = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel, ONLINE, CallOptions.DEFAULT, request(List.of("driver-stats:conv_rate"), 1010)));
        assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

        GetOnlineFeaturesResponse after = call(request(List.of("driver-stats:conv_rate"), 1010));
        assertThat(after.getResults(1).getStatuses(0).name()).isEqualTo("PRESENT");
        // Every call is timed by method and status code on the management port's metrics.
        String metrics = HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + dataPlane.managementPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains("featureduck_grpc_server_requests_seconds_count{code=\"OK\","
                        + "method=\"ServingService/GetOnlineFeatures\"}")
                .contains("code=\"INVALID_ARGUMENT\",method=\"ServingService/GetOnlineFeatures\"");
    }
}
