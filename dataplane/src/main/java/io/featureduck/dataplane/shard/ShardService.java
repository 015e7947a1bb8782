package io.featureduck.dataplane.shard;

import com.google.protobuf.ByteString;
import io.featureduck.crds.EntitySpec;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.OnlineViews;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EventLog;
import io.featureduck.dataplane.online.FeatureColumn;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.shard.v1.ColumnValues;
import io.featureduck.shard.v1.Events;
import io.featureduck.shard.v1.RefreshRequest;
import io.featureduck.shard.v1.RefreshResponse;
import io.featureduck.shard.v1.RowsRequest;
import io.featureduck.shard.v1.RowsResponse;
import java.io.IOException;
import java.util.List;

/**
 * The server side of {@code featureduck.shard.v1.ShardService}: another shard's {@code Rows} call is answered from
 * this shard's index of a view (for each key, whether it has a row, its event time and the asked features' values as
 * the index stores them; memory reads only, on the event loop), and its {@code Refresh} call after a push returns once
 * this process serves the pushed version.
 */
public final class ShardService {
    private final OnlineViews views;
    private final ViewRegistry registry;

    public ShardService(OnlineViews views, ViewRegistry registry) {
        this.views = views;
        this.registry = registry;
    }

    /**
     * Blocks until the view is served at the version or later (or the read-your-writes wait ends): for a worker.
     *
     * @throws FeatureDuckException the caller may not read the view
     */
    public RefreshResponse refresh(RefreshRequest request, Grant grant) {
        grant.require(request.getView());
        registry.refreshToInclude(request.getView(), request.getTableVersion());
        long served = registry.view(request.getView())
                .flatMap(view -> view.index())
                .map(OnlineIndex::tableVersion)
                .orElse(-1L);
        return RefreshResponse.newBuilder().setTableVersion(served).build();
    }

    /** @throws FeatureDuckException the caller may not read the view, it is not served, or the request is malformed */
    public RowsResponse rows(RowsRequest request, Grant grant) {
        OnlineIndex index = views.index(request.getView(), grant);
        List<EntitySpec> entities = index.view().entities();
        if (request.getKeysCount() != entities.size()) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "feature view '" + index.view().name() + "' has " + entities.size() + " join keys, not "
                            + request.getKeysCount());
        }
        int[] positions = new int[request.getFeaturesCount()];
        for (int f = 0; f < positions.length; f++) {
            positions[f] = OnlineViews.featurePosition(index, request.getFeatures(f));
        }
        Object[] keys = WireKeys.decode(request.getKeysList(), entities);
        RowsResponse.Builder response = RowsResponse.newBuilder().setTableVersion(index.tableVersion());
        int[] rows = new int[keys.length];
        for (int e = 0; e < keys.length; e++) {
            rows[e] = index.rowOf(keys[e]);
            boolean found = rows[e] != EntityKeyIndex.ABSENT;
            response.addFound(found).addEventMicros(found ? index.eventMicros(rows[e]) : 0);
        }
        for (int position : positions) {
            FeatureColumn column = index.column(position);
            ColumnValues.Builder values = ColumnValues.newBuilder();
            for (int row : rows) {
                add(values, column, row);
            }
            response.addFeatures(values);
        }
        if (request.getEvents()) {
            index.events().ifPresent(log -> response.setEvents(events(log, rows)));
        }
        return response.build();
    }

    /** The events of {@code rows} (absent ones have none), as the log holds them. */
    private static Events events(EventLog log, int[] rows) {
        Events.Builder events = Events.newBuilder();
        ColumnValues.Builder[] inputs = new ColumnValues.Builder[log.inputCount()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = ColumnValues.newBuilder();
        }
        for (int row : rows) {
            boolean found = row != EntityKeyIndex.ABSENT;
            int count = found ? log.count(row) : 0;
            events.addCounts(count).addFirstMicros(found ? log.firstMicros(row) : Long.MAX_VALUE);
            int from = found ? log.start(row) : 0;
            for (int e = from; e < from + count; e++) {
                events.addTimes(log.time(e));
                for (int i = 0; i < inputs.length; i++) {
                    add(inputs[i], log.input(i), e);
                }
            }
        }
        for (ColumnValues.Builder input : inputs) {
            events.addInputs(input);
        }
        return events.build();
    }

    /** Adds row {@code row} of {@code column} as the index stores it; a row not found ({@code ABSENT}) as null. */
    private static void add(ColumnValues.Builder values, FeatureColumn column, int row) {
        boolean absent = row == EntityKeyIndex.ABSENT || column.isNull(row);
        values.addNulls(absent);
        if (column.isFixedWidth()) {
            values.addBits(absent ? 0 : column.bits(row));
        } else {
            values.addBytes(absent ? ByteString.EMPTY : bytes(column, row));
        }
    }

    /** A variable-length value, copied once out of its column's page. */
    private static ByteString bytes(FeatureColumn column, int row) {
        ByteString[] value = {ByteString.EMPTY};
        try {
            column.bytes(row, (page, offset, length) -> value[0] = ByteString.copyFrom(page, offset, length));
        } catch (IOException e) {
            throw new IllegalStateException("copying a value in memory failed", e);
        }
        return value[0];
    }
}
