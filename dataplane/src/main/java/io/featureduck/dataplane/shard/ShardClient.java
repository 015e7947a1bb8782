package io.featureduck.dataplane.shard;

import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.Sharding;
import io.featureduck.shard.v1.RefreshRequest;
import io.featureduck.shard.v1.RefreshResponse;
import io.featureduck.shard.v1.RowsRequest;
import io.featureduck.shard.v1.RowsResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.ServiceMethod;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Calls the other shards of the store over {@code featureduck.shard.v1.ShardService} on their gRPC ports, with the
 * caller's own credentials (each shard decides access as for any call, so a fan-out never reads more than its caller
 * may). A shard of several replicas is tried replica by replica; a host name stands for every address it resolves to
 * (a headless Service names a shard's pods).
 */
public final class ShardClient implements AutoCloseable {
    /** How long one replica may take to answer before the next is tried: far above a lookup's cost. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    /** How long a shard may take to serve a pushed version: a refresh, bounded by the read-your-writes wait. */
    static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(35);

    /** How long resolved addresses of a shard are used before its names are resolved again. */
    static final Duration RESOLVED_FOR = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final GrpcClient client;
    private final Sharding sharding;
    private final Map<Integer, Resolved> resolved = new ConcurrentHashMap<>();

    public ShardClient(Vertx vertx, DataPlaneConfig config) {
        this.vertx = vertx;
        this.sharding = config.sharding();
        HttpClientOptions http = new HttpClientOptions().setTcpNoDelay(true).setConnectTimeout(1000);
        config.tls()
                .ifPresent(tls -> http.setSsl(true)
                        .setUseAlpn(true)
                        // The shards present the store's own certificate: it is the one trusted, whatever name it
                        // carries.
                        .setVerifyHost(false)
                        .setTrustOptions(new PemTrustOptions()
                                .addCertPath(tls.certificate().toString())));
        this.client = GrpcClient.builder(vertx)
                .with(new GrpcClientOptions())
                .with(http)
                .build();
    }

    /** The shards with known addresses: every other shard, and this one's other replicas when named. */
    public Set<Integer> shards() {
        return sharding.peers().keySet();
    }

    /** Shard {@code shard}'s rows for {@code request}, from the first of its replicas that answers. */
    public Future<RowsResponse> rows(int shard, RowsRequest request, Optional<String> authorization) {
        return addresses(shard)
                .compose(addresses -> first(addresses, 0, ShardProtocol.ROWS_CLIENT, request, authorization, null));
    }

    /** Asks every replica of shard {@code shard} to serve {@code request}'s view at its version or later. */
    public Future<Void> refresh(int shard, RefreshRequest request, Optional<String> authorization) {
        return addresses(shard).compose(addresses -> {
            List<Future<RefreshResponse>> calls = new ArrayList<>();
            for (SocketAddress address : addresses) {
                calls.add(call(address, ShardProtocol.REFRESH_CLIENT, request, authorization, REFRESH_TIMEOUT));
            }
            return Future.all(calls).mapEmpty();
        });
    }

    private <Req, Resp> Future<Resp> first(
            List<SocketAddress> addresses,
            int next,
            ServiceMethod<Resp, Req> method,
            Req request,
            Optional<String> authorization,
            Throwable last) {
        if (next >= addresses.size()) {
            return Future.failedFuture(last == null ? new IllegalStateException("no address") : last);
        }
        return call(addresses.get(next), method, request, authorization, CALL_TIMEOUT)
                .recover(failure -> first(addresses, next + 1, method, request, authorization, failure));
    }

    private <Req, Resp> Future<Resp> call(
            SocketAddress address,
            ServiceMethod<Resp, Req> method,
            Req request,
            Optional<String> authorization,
            Duration timeout) {
        return client.request(address, method).compose(call -> {
            authorization.ifPresent(value -> call.headers().set("authorization", value));
            call.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return call.send(request).compose(response -> response.last());
        });
    }

    /**
     * Every address of the shard's replicas, in a random order (spreading the load over replicas). Host names are
     * resolved off the event loop and kept for {@link #RESOLVED_FOR}, so that pods a headless Service adds are found.
     */
    private Future<List<SocketAddress>> addresses(int shard) {
        Resolved cached = resolved.get(shard);
        long now = System.nanoTime();
        Future<List<SocketAddress>> addresses;
        if (cached != null && now - cached.at() < RESOLVED_FOR.toNanos()) {
            addresses = Future.succeededFuture(cached.addresses());
        } else {
            List<Sharding.Peer> peers = sharding.peers().getOrDefault(shard, List.of());
            addresses = vertx.executeBlocking(
                    () -> {
                        List<SocketAddress> all = new ArrayList<>();
                        for (Sharding.Peer peer : peers) {
                            all.addAll(resolve(peer));
                        }
                        resolved.put(shard, new Resolved(List.copyOf(all), now));
                        return all;
                    },
                    false);
        }
        return addresses.map(all -> {
            List<SocketAddress> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, ThreadLocalRandom.current());
            return shuffled;
        });
    }

    private record Resolved(List<SocketAddress> addresses, long at) {}

    private static List<SocketAddress> resolve(Sharding.Peer peer) throws UnknownHostException {
        return Arrays.stream(InetAddress.getAllByName(peer.host()))
                .map(address -> SocketAddress.inetSocketAddress(peer.port(), address.getHostAddress()))
                .toList();
    }

    @Override
    public void close() {
        client.close();
    }
}
