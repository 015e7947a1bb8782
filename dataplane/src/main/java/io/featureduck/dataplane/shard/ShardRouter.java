package io.featureduck.dataplane.shard;

import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.Sharding;
import io.featureduck.dataplane.config.ViewAggregations;
import io.featureduck.dataplane.config.ViewDefinition;
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
import io.featureduck.shard.v1.Events;
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
                pending.put(
                        name,
                        assemble(
                                index,
                                keys,
                                owners,
                                remote,
                                needed(plan, slot, index),
                                needsEvents(plan, slot, index),
                                authorization));
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

    /** Whether the plan reads view slot {@code slot}'s events: an aggregated feature, or an on-demand one's input. */
    private static boolean needsEvents(FeaturePlan plan, int slot, OnlineIndex index) {
        for (AnswerFeature feature : plan.features()) {
            if (feature.viewSlot() == slot
                    && (feature.isAggregate()
                            || feature.isOnDemand()
                                    && feature.onDemand().get().features().stream()
                                            .anyMatch(input ->
                                                    index.view().aggregations().position(input) >= 0))) {
                return true;
            }
        }
        return false;
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
            } else if (!feature.isAggregate()) {
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
            boolean events,
            Optional<String> authorization) {
        AssembledIndex assembled = new AssembledIndex(index, keys.length);
        for (int e = 0; e < keys.length; e++) {
            if (owners[e] == layout.index()) {
                assembled.copyLocal(keys[e], needed, events);
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
                    .setEvents(events)
                    .build();
            calls.add(client.rows(shard, request, authorization)
                    .<Void>map(response -> {
                        store(assembled, shardKeys, positions, response, events ? index.view() : null);
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
            AssembledIndex assembled,
            List<Object> keys,
            List<Integer> positions,
            RowsResponse response,
            ViewDefinition withEvents) {
        if (response.getFoundCount() != keys.size()
                || response.getEventMicrosCount() != keys.size()
                || response.getFeaturesCount() != positions.size()) {
            throw new IllegalStateException(
                    "a shard answered " + response.getFoundCount() + " rows for " + keys.size() + " keys");
        }
        assembled.version(response.getTableVersion());
        int[] rows = new int[keys.size()];
        java.util.Arrays.fill(rows, -1);
        for (int e = 0; e < keys.size(); e++) {
            if (!response.getFound(e)) {
                continue;
            }
            int row = assembled.add(keys.get(e), response.getEventMicros(e));
            if (row < 0) {
                continue;
            }
            for (int f = 0; f < positions.size(); f++) {
                put(assembled.column(positions.get(f)), row, response.getFeatures(f), e);
            }
            rows[e] = row;
        }
        if (withEvents != null) {
            storeEvents(assembled, rows, response.getEvents(), withEvents);
        }
    }

    /** Stores value {@code at} of {@code values} as row {@code row} of {@code column}. */
    private static void put(FeatureColumn column, int row, ColumnValues values, int at) {
        if (values.getNullsCount() <= at || values.getNulls(at)) {
            column.putNull(row);
        } else if (column.isFixedWidth()) {
            column.putBits(row, values.getBits(at));
        } else {
            column.putBytes(row, values.getBytes(at).toByteArray());
        }
    }

    /** Stores a shard's events of the rows it found ({@code rows}, -1 for the others); malformed ones are a failure. */
    private static void storeEvents(AssembledIndex assembled, int[] rows, Events events, ViewDefinition view) {
        List<ViewAggregations.Input> types = view.aggregations().inputs();
        int total = events.getTimesCount();
        if (events.getCountsCount() != rows.length
                || events.getFirstMicrosCount() != rows.length
                || events.getInputsCount() != types.size()
                || events.getCountsList().stream().mapToLong(c -> c).sum() != total) {
            throw new IllegalStateException("a shard answered malformed events");
        }
        long[] times = new long[total];
        FeatureColumn[] inputs = new FeatureColumn[types.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = FeatureColumn.create(types.get(i).type(), total);
        }
        for (int event = 0; event < total; event++) {
            times[event] = events.getTimes(event);
            for (int i = 0; i < inputs.length; i++) {
                put(inputs[i], event, events.getInputs(i), event);
            }
        }
        int from = 0;
        for (int e = 0; e < rows.length; e++) {
            int count = events.getCounts(e);
            if (rows[e] >= 0) {
                assembled.addEvents(rows[e], events.getFirstMicros(e), times, inputs, from, count);
            }
            from += count;
        }
    }
}
