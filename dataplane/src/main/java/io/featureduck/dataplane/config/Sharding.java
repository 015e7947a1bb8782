package io.featureduck.dataplane.config;

import io.featureduck.dataplane.slots.ShardLayout;
import io.featureduck.dataplane.slots.ShardScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's place in a sharded store: which keys it holds and where the other shards answer.
 *
 * @param scope which keys this process keeps of each view
 * @param peers the gRPC addresses of each other shard, by shard; several for a shard of several replicas, tried in
 *              turn. This shard's own other replicas may be named too: a push makes them serve its version at once
 */
public record Sharding(ShardScope scope, Map<Integer, List<Peer>> peers) {
    public static final Sharding NONE = new Sharding(ShardScope.WHOLE, Map.of());

    /** Where one replica of a shard answers the shards' protocol. */
    public record Peer(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public Sharding {
        peers = Map.copyOf(peers);
        ShardLayout layout = scope.layout();
        for (int shard = 0; shard < layout.count(); shard++) {
            if (shard != layout.index() && !peers.containsKey(shard)) {
                throw new IllegalArgumentException("shard " + layout + " needs the address of shard " + shard + "/"
                        + layout.count() + ": --peer " + shard + "=host:port");
            }
        }
        for (int shard : peers.keySet()) {
            if (shard < 0 || shard >= layout.count()) {
                throw new IllegalArgumentException(
                        "--peer " + shard + "=...: the shards of " + layout + " are 0.." + (layout.count() - 1));
            }
        }
    }

    public ShardLayout layout() {
        return scope.layout();
    }

    /** Parses {@code --peer} values, each {@code shard=host:port}; a shard named more than once has replicas. */
    public static Map<Integer, List<Peer>> parsePeers(List<String> values) {
        Map<Integer, List<Peer>> peers = new TreeMap<>();
        for (String value : values) {
            int equals = value.indexOf('=');
            int colon = value.lastIndexOf(':');
            try {
                if (equals > 0 && colon > equals + 1) {
                    int shard = Integer.parseInt(value.substring(0, equals).trim());
                    Peer peer = new Peer(
                            value.substring(equals + 1, colon).trim(), Integer.parseInt(value.substring(colon + 1)));
                    peers.computeIfAbsent(shard, s -> new ArrayList<>()).add(peer);
                    continue;
                }
            } catch (NumberFormatException e) {
                // Reported below with the expected form.
            }
            throw new IllegalArgumentException(
                    "a peer is written shard=host:port, e.g. 1=10.0.0.7:6566, not '" + value + "'");
        }
        peers.replaceAll((shard, list) -> List.copyOf(list));
        return peers;
    }
}
