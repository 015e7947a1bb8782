package io.featureduck.dataplane.shard;

import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.Sharding;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.AnswerFeature;
import io.featureduck.dataplane.lookup.FeaturePlan;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.lookup.OnlineLookup;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.online.AssembledIndex;
import io.featureduck.dataplane.online.FeatureColumn;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.slots.KeySlots;
import io.featureduck.dataplane.slots.ShardLayout;
import io.featureduck.shard.v1.ColumnValues;
import io.featureduck.shard.v1.RefreshRequest;
import io.featureduck.shard.v1.RowsRequest;
import io.featureduck.shard.v1.RowsResponse;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Answers online requests in a sharded store: keys of this shard's slots from its own index, the others' rows from
 * their owning shards, asked in parallel ({@link ShardClient}), then one lookup over indexes holding every key the
 * request names ({@link AssembledIndex}), so the answer is the one an unsharded process gives. A view held whole
 * (under the replication threshold) and a request whose keys are all this shard's never leave the process. A shard
 * that cannot be asked costs only its own keys: each of their values is {@code UNAVAILABLE}, and the failure is
 * counted.
 */
public final class ShardRouter {
    private final OnlineLookup lookup;
    private final ShardLayout layout;
    private final ShardClient client;
    private final DataPlaneMetrics metrics;

    public ShardRouter(OnlineLookup lookup, Sharding sharding, ShardClient client, DataPlaneMetrics metrics) {
        this.lookup = lookup;
        this.layout = sharding.layout();
        this.client = client;
        this.metrics = metrics;
    }

    public OnlineLookup lookup() {
        return lookup;
    }

    /**
     * The answer to {@code request}: at once when this shard can give it alone, else once the other shards have sent
     * their rows. Failures are {@link FeatureDuckException}s, as from {@link OnlineLookup#answer}.
     *
     * @param authorization the caller's credentials, passed on to the shards asked
     */
    public Future<OnlineAnswer> answer(OnlineRequest request, Grant grant, Optional<String> authorization) {
        try {
            Optional<Future<Map<String, OnlineIndex>>> remote = gather(request, grant, authorization);
            if (remote.isEmpty()) {
                return Future.succeededFuture(lookup.answer(request, grant));
            }
            return remote.get().map(assembled -> lookup.answer(request, grant, assembled));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * After a push committed {@code version} of {@code view}: every shard's pods serve it (or the wait for it ended)
     * when this completes, so the pusher reads its rows from whichever shard owns them. A shard that cannot be asked
     * is counted and skipped: the push is committed, and a shard that comes back loads the latest version.
     */
    public Future<Void> afterPush(String view, long version, Optional<String> authorization) {
        if (!layout.isSharded()) {
            return Future.succeededFuture();
        }
        RefreshRequest request = RefreshRequest.newBuilder()
                .setView(view)
                .setTableVersion(version)
                .build();
        List<Future<Void>> calls = new ArrayList<>();
        for (int shard : client.shards()) {
            calls.add(client.refresh(shard, request, authorization).recover(failure -> {
                metrics.recordShardFailure(shard);
                return Future.succeededFuture();
            }));
        }
        return Future.all(calls).mapEmpty();
    }

    private Optional<Future<Map<String, OnlineIndex>>> gather(
            OnlineRequest request, Grant grant, Optional<String> authorization) {
        if (!layout.isSharded()) {
            return Optional.empty();
        }
        FeaturePlan plan;
        int count;
        try {
            plan = lookup.plan(request, grant);
            count = OnlineLookup.entityCount(request.entities());
            lookup.views().checkBatch(count);
        } catch (FeatureDuckException invalid) {
            // The lookup names what is wrong with the request, as in an unsharded process.
            return Optional.empty();
        }
        Map<String, Future<OnlineIndex>> pending = new LinkedHashMap<>();
        for (int slot = 0; slot < plan.views().size(); slot++) {
            String name = plan.views().get(slot);
            OnlineIndex index;
            Object[] keys;
            try {
                index = lookup.views().index(name, grant);
                keys = OnlineLookup.keys(index.view(), request.entities(), count);
            } catch (FeatureDuckException invalid) {
                return Optional.empty();
            }
            if (index.holdsEveryKey()) {
                continue;
            }
            int[] owners = new int[keys.length];
            Map<Integer, List<Object>> remote = new TreeMap<>();
            for (int e = 0; e < keys.length; e++) {
                owners[e] = layout.owner(slotOf(keys[e]));
                if (owners[e] != layout.index()) {
                    remote.computeIfAbsent(owners[e], o -> new ArrayList<>()).add(keys[e]);
                }
            }
            if (!remote.isEmpty()) {
                pending.put(name, assemble(index, keys, owners, remote, needed(plan, slot, index), authorization));
            }
        }
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = List.copyOf(pending.keySet());
        return Optional.of(Future.all(List.copyOf(pending.values())).map(all -> {
            Map<String, OnlineIndex> assembled = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                assembled.put(names.get(i), all.resultAt(i));
            }
            return assembled;
        }));
    }

    private static int slotOf(Object key) {
        return key instanceof List<?> parts ? KeySlots.slot(parts) : KeySlots.slot(key);
    }

    /** The stored features of view slot {@code slot} the plan reads: its own and its on-demand features' inputs. */
    private static boolean[] needed(FeaturePlan plan, int slot, OnlineIndex index) {
        boolean[] needed = new boolean[index.view().features().size()];
        for (AnswerFeature feature : plan.features()) {
            if (feature.viewSlot() != slot) {
                continue;
            }
            if (feature.isOnDemand()) {
                for (String input : feature.onDemand().get().features()) {
                    int position = index.featurePosition(input);
                    if (position >= 0) {
                        needed[position] = true;
                    }
                }
            } else {
                needed[feature.position()] = true;
            }
        }
        return needed;
    }

    private Future<OnlineIndex> assemble(
            OnlineIndex index,
            Object[] keys,
            int[] owners,
            Map<Integer, List<Object>> remote,
            boolean[] needed,
            Optional<String> authorization) {
        AssembledIndex assembled = new AssembledIndex(index, keys.length);
        for (int e = 0; e < keys.length; e++) {
            if (owners[e] == layout.index()) {
                assembled.copyLocal(keys[e], needed);
            }
        }
        List<String> features = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int f = 0; f < needed.length; f++) {
            if (needed[f]) {
                features.add(index.view().features().get(f).name());
                positions.add(f);
            }
        }
        metrics.recordFanOut(remote.size());
        List<Future<Void>> calls = new ArrayList<>();
        for (Map.Entry<Integer, List<Object>> entry : remote.entrySet()) {
            int shard = entry.getKey();
            List<Object> shardKeys = entry.getValue();
            RowsRequest request = RowsRequest.newBuilder()
                    .setView(index.view().name())
                    .addAllFeatures(features)
                    .addAllKeys(WireKeys.encode(shardKeys, index.view().entities()))
                    .build();
            calls.add(client.rows(shard, request, authorization)
                    .<Void>map(response -> {
                        store(assembled, shardKeys, positions, response);
                        return null;
                    })
                    .recover(failure -> {
                        metrics.recordShardFailure(shard);
                        shardKeys.forEach(assembled::unavailable);
                        return Future.succeededFuture();
                    }));
        }
        return Future.all(calls).map(done -> assembled.build());
    }

    /** Stores a shard's rows; a malformed answer is a failure of that shard. */
    private static void store(
            AssembledIndex assembled, List<Object> keys, List<Integer> positions, RowsResponse response) {
        if (response.getFoundCount() != keys.size()
                || response.getEventMicrosCount() != keys.size()
                || response.getFeaturesCount() != positions.size()) {
            throw new IllegalStateException(
                    "a shard answered " + response.getFoundCount() + " rows for " + keys.size() + " keys");
        }
        assembled.version(response.getTableVersion());
        for (int e = 0; e < keys.size(); e++) {
            if (!response.getFound(e)) {
                continue;
            }
            int row = assembled.add(keys.get(e), response.getEventMicros(e));
            if (row < 0) {
                continue;
            }
            for (int f = 0; f < positions.size(); f++) {
                ColumnValues values = response.getFeatures(f);
                if (values.getNullsCount() <= e || values.getNulls(e)) {
                    continue;
                }
                FeatureColumn column = assembled.column(positions.get(f));
                if (column.isFixedWidth()) {
                    column.putBits(row, values.getBits(e));
                } else {
                    column.putBytes(row, values.getBytes(e).toByteArray());
                }
            }
        }
    }
}
