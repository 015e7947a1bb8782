package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.feast.FeastClient;
import dev.feast.Row;
import dev.feast.SecurityConfig;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feast's own gRPC feature-server stubs ({@code GrpcFeatureServerGrpc} of {@code dev.feast:feast-datatypes},
 * unchanged) pushing to a real data plane. Feast generates them from a proto without a package, so Java code can
 * reach them only by reflection; the calls and messages are Feast's. A pushed row is committed to the view's Parquet
 * directory and served by Feast's Java serving client at once.
 */
class FeastGrpcPushIT {
    @TempDir
    static Path work;

    static DataPlaneProcess dataPlane;

    @BeforeAll
    static void start() throws Exception {
        dataPlane = new DataPlaneProcess(work);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }

            @Override
            public void thisUsesUnstableApi() {}
        };
    }

    /** Calls {@code GrpcFeatureServer/<method>} through Feast's blocking stub with a request Feast's builder made. */
    private static boolean call(
            Channel channel,
            String token,
            String method,
            String request,
            String target,
            String targetValue,
            Map<String, String> features,
            String to)
            throws Exception {
        Class<?> grpc = Class.forName("GrpcFeatureServerGrpc");
        Object stub = grpc.getMethod("newBlockingStub", Channel.class).invoke(null, channel);
        stub = stub.getClass()
                .getMethod("withCallCredentials", CallCredentials.class)
                .invoke(stub, bearer(token));
        Class<?> requestClass = Class.forName("GrpcServer$" + request);
        Object builder = requestClass.getMethod("newBuilder").invoke(null);
        builder.getClass().getMethod("putAllFeatures", Map.class).invoke(builder, features);
        builder.getClass().getMethod(target, String.class).invoke(builder, targetValue);
        if (to != null) {
            builder.getClass().getMethod("setTo", String.class).invoke(builder, to);
        }
        Object message = builder.getClass().getMethod("build").invoke(builder);
        try {
            Object response = stub.getClass().getMethod(method, requestClass).invoke(stub, message);
            return (Boolean) response.getClass().getMethod("getStatus").invoke(response);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    // Feast's client declares close() to throw InterruptedException; the test lets any exception fail it.
    @SuppressWarnings("try")
    @Test
    void feastsGrpcPushAndWriteToOnlineStoreCommitRowsServedAtOnce() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", dataPlane.grpcPort)
                .usePlaintext()
                .build();
        try {
            String now = java.time.Instant.now().minusSeconds(5).toString();
            assertThat(call(
                            channel,
                            dataPlane.writeToken,
                            "push",
                            "PushRequest",
                            "setStreamFeatureView",
                            "driver_quality_push",
                            Map.of(
                                    "driver_id",
                                    "5001",
                                    "event_timestamp",
                                    now,
                                    "score",
                                    "0.625",
                                    "tier",
                                    "gold",
                                    "trips",
                                    "12",
                                    "vip",
                                    "true"),
                            "online_and_offline"))
                    .isTrue();
            assertThat(call(
                            channel,
                            dataPlane.writeToken,
                            "writeToOnlineStore",
                            "WriteToOnlineStoreRequest",
                            "setFeatureViewName",
                            "driver-quality",
                            Map.of("driver_id", "5002", "event_timestamp", now, "score", "1.5"),
                            null))
                    .isTrue();

            List<Row> answer;
            try (FeastClient feast = FeastClient.createSecure(
                    "127.0.0.1",
                    dataPlane.grpcPort,
                    SecurityConfig.newBuilder()
                            .setCredentials(Optional.of(bearer(dataPlane.token)))
                            .setTLSEnabled(false)
                            .build())) {
                answer = feast.getOnlineFeatures(
                        List.of(
                                "driver-quality:score",
                                "driver-quality:tier",
                                "driver-quality:trips",
                                "driver-quality:vip"),
                        List.of(
                                Row.create().set("driver_id", 5001L),
                                Row.create().set("driver_id", 5002L)));
            }
            assertThat(answer.get(0).getFields().get("score").getDoubleVal()).isEqualTo(0.625);
            assertThat(answer.get(0).getFields().get("tier").getStringVal()).isEqualTo("gold");
            assertThat(answer.get(0).getFields().get("trips").getInt32Val()).isEqualTo(12);
            assertThat(answer.get(0).getFields().get("vip").getBoolVal()).isTrue();
            assertThat(answer.get(1).getFields().get("score").getDoubleVal()).isEqualTo(1.5);
            // Committed to the table itself: DuckDB reads the rows from the directory's files.
            assertThat(dataPlane.latest("driver_quality", "score", List.of(5001L, 5002L)))
                    .extracting(row -> row[0])
                    .containsExactly(0.625, 1.5);

            StatusRuntimeException readOnly = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> call(
                            channel,
                            dataPlane.token,
                            "push",
                            "PushRequest",
                            "setStreamFeatureView",
                            "driver_quality_push",
                            Map.of("driver_id", "5003", "event_timestamp", now),
                            "online"));
            assertThat(readOnly.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            StatusRuntimeException badType = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> call(
                            channel,
                            dataPlane.writeToken,
                            "push",
                            "PushRequest",
                            "setStreamFeatureView",
                            "driver_quality_push",
                            Map.of("driver_id", "5004", "event_timestamp", now, "trips", "many"),
                            "online"));
            assertThat(badType.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(badType.getStatus().getDescription()).contains("column 'trips', row 0: \"many\" is not a int32");
            assertThat(dataPlane.latest("driver_quality", "score", List.of(5003L, 5004L)))
                    .containsOnlyNulls();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
