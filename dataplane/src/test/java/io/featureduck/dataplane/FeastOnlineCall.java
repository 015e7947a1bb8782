package io.featureduck.dataplane;

import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.TimeUnit;

/** Feast's {@code ServingService/GetOnlineFeatures} as a plain gRPC call on loopback, for tests of a data plane. */
public final class FeastOnlineCall {
    public static final MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> GET_ONLINE_FEATURES =
            MethodDescriptor.<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("feast.serving.ServingService/GetOnlineFeatures")
                    .setRequestMarshaller(ProtoUtils.marshaller(GetOnlineFeaturesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(GetOnlineFeaturesResponse.getDefaultInstance()))
                    .build();

    private FeastOnlineCall() {}

    /** One unauthenticated call to the gRPC port {@code port}, on a channel of its own. */
    public static GetOnlineFeaturesResponse call(int port, GetOnlineFeaturesRequest request)
            throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .build();
        try {
            return ClientCalls.blockingUnaryCall(channel, GET_ONLINE_FEATURES, CallOptions.DEFAULT, request);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
