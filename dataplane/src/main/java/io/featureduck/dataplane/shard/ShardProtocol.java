package io.featureduck.dataplane.shard;

import io.featureduck.shard.v1.RefreshRequest;
import io.featureduck.shard.v1.RefreshResponse;
import io.featureduck.shard.v1.RowsRequest;
import io.featureduck.shard.v1.RowsResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;

/** The methods of {@code featureduck.shard.v1.ShardService}, as its client and its server name them. */
public final class ShardProtocol {
    public static final ServiceName SERVICE = ServiceName.create("featureduck.shard.v1", "ShardService");

    public static final ServiceMethod<RowsRequest, RowsResponse> ROWS_SERVER = ServiceMethod.server(
            SERVICE, "Rows", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(RowsRequest.newBuilder()));
    public static final ServiceMethod<RefreshRequest, RefreshResponse> REFRESH_SERVER = ServiceMethod.server(
            SERVICE, "Refresh", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(RefreshRequest.newBuilder()));

    static final ServiceMethod<RowsResponse, RowsRequest> ROWS_CLIENT = ServiceMethod.client(
            SERVICE, "Rows", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(RowsResponse.newBuilder()));
    static final ServiceMethod<RefreshResponse, RefreshRequest> REFRESH_CLIENT = ServiceMethod.client(
            SERVICE, "Refresh", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(RefreshResponse.newBuilder()));

    private ShardProtocol() {}
}
