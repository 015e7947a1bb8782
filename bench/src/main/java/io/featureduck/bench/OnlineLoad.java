package io.featureduck.bench;

import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator for the same Feast online request over gRPC (grpc-java, Feast's
 * {@code ServingService/GetOnlineFeatures}) or HTTP (the JDK client, {@code POST /get-online-features}): each of
 * {@code connections} threads has its own connection and sends its next request when the last answer arrived, for
 * random entities. Prints one result line in the format of {@code bench/wrk/feast.lua}, so both feed the same reports.
 *
 * <p>{@code grpc-feature-server} sends the same request to {@code GrpcFeatureServer/GetOnlineFeatures}, the service of
 * Feast's Python gRPC feature server, {@code feast listen} (which FeatureDuck's gRPC port answers too).
 *
 * <p>Usage: {@code OnlineLoad grpc|grpc-feature-server|http <host> <port> <features,...> <entities> <batch> <connections> <warmup s>
 * <seconds> <label> [token]}
 */
public final class OnlineLoad {
    private static final MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> ONLINE =
            online("feast.serving.ServingService/GetOnlineFeatures");
    /** The same call on Feast's Python gRPC feature server ({@code feast listen}), whose service has no package. */
    private static final MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> FEATURE_SERVER =
            online("GrpcFeatureServer/GetOnlineFeatures");

    private static MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> online(String name) {
        return MethodDescriptor.<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(name)
                .setRequestMarshaller(ProtoUtils.marshaller(GetOnlineFeaturesRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(GetOnlineFeaturesResponse.getDefaultInstance()))
                .build();
    }

    private OnlineLoad() {}

    /** One client connection: sends one request and waits for its answer. */
    private interface Caller extends AutoCloseable {
        void call(long[] ids) throws Exception;

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        String protocol = args[0];
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        List<String> features = List.of(args[3].split(","));
        int entities = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        int connections = Integer.parseInt(args[6]);
        long warmupNanos = Long.parseLong(args[7]) * 1_000_000_000L;
        long runNanos = Long.parseLong(args[8]) * 1_000_000_000L;
        String label = args[9];
        String token = args.length > 10 ? args[10] : "";

        List<long[]> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + runNanos;
        for (int c = 0; c < connections; c++) {
            long[] mine = new long[1 << 21];
            latencies.add(mine);
            int seed = c;
            Thread thread = new Thread(
                    () -> {
                        Random random = new Random(1000 + seed);
                        int count = 0;
                        try (Caller caller = switch (protocol) {
                            case "grpc" -> grpc(host, port, features, token, ONLINE);
                            case "grpc-feature-server" -> grpc(host, port, features, token, FEATURE_SERVER);
                            default -> http(host, port, features, token);
                        }) {
                            long[] ids = new long[batch];
                            while (true) {
                                long before = System.nanoTime();
                                if (before >= end) {
                                    break;
                                }
                                for (int i = 0; i < batch; i++) {
                                    ids[i] = random.nextInt(entities);
                                }
                                try {
                                    caller.call(ids);
                                } catch (Exception e) {
                                    if (before >= measureFrom) {
                                        errors.incrementAndGet();
                                    }
                                    continue;
                                }
                                long after = System.nanoTime();
                                if (before >= measureFrom && count < mine.length) {
                                    mine[count++] = (after - before) / 1000;
                                }
                            }
                        } finally {
                            mine[mine.length - 1] = count;
                            done.countDown();
                        }
                    },
                    "load-" + c);
            thread.start();
        }
        done.await();
        List<Long> all = new ArrayList<>();
        for (long[] mine : latencies) {
            int count = (int) mine[mine.length - 1];
            for (int i = 0; i < count; i++) {
                all.add(mine[i]);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        System.out.printf(
                "RESULT {\"label\": \"%s\", \"requests\": %d, \"duration_us\": %d, \"errors\": %d, "
                        + "\"p50_us\": %d, \"p99_us\": %d, \"p999_us\": %d, \"max_us\": %d, \"mean_us\": %.1f}%n",
                label,
                sorted.length,
                runNanos / 1000,
                errors.get(),
                percentile(sorted, 50),
                percentile(sorted, 99),
                percentile(sorted, 99.9),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                mean);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static Caller grpc(
            String host,
            int port,
            List<String> features,
            String token,
            MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> method) {
        ManagedChannel channel =
                ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
        Metadata headers = new Metadata();
        if (!token.isEmpty()) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        var intercepted =
                io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        FeatureList list = FeatureList.newBuilder().addAllVal(features).build();
        return new Caller() {
            @Override
            public void call(long[] ids) {
                RepeatedValue.Builder keys = RepeatedValue.newBuilder();
                for (long id : ids) {
                    keys.addVal(Value.newBuilder().setInt64Val(id));
                }
                GetOnlineFeaturesResponse response = ClientCalls.blockingUnaryCall(
                        intercepted,
                        method,
                        CallOptions.DEFAULT,
                        GetOnlineFeaturesRequest.newBuilder()
                                .setFeatures(list)
                                .putEntities("entity_id", keys.build())
                                .setFullFeatureNames(true)
                                .build());
                if (response.getResultsCount() != features.size() + 1) {
                    throw new IllegalStateException("unexpected answer");
                }
            }

            @Override
            public void close() {
                channel.shutdownNow();
            }
        };
    }

    private static Caller http(String host, int port, List<String> features, String token) {
        // One client per connection, HTTP/1.1 keep-alive: the JDK client reuses the connection for the loop.
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://" + host + ":" + port + "/get-online-features");
        String refs = features.stream()
                .map(f -> "\"" + f + "\"")
                .reduce((a, b) -> a + "," + b)
                .orElse("");
        return new Caller() {
            @Override
            public void call(long[] ids) throws Exception {
                StringBuilder body =
                        new StringBuilder("{\"features\": [").append(refs).append("], \"entities\": {\"entity_id\": [");
                for (int i = 0; i < ids.length; i++) {
                    body.append(i == 0 ? "" : ",").append(ids[i]);
                }
                // Full feature names: the benchmark's views share feature names, which would otherwise collide.
                body.append("]}, \"full_feature_names\": true}");
                HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
                if (!token.isEmpty()) {
                    request.header("authorization", "Bearer " + token);
                }
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("status " + response.statusCode());
                }
            }

            @Override
            public void close() {
                // The JDK client (Java 17) has no close; its connection ends with the process.
            }
        };
    }
}
