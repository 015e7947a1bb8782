package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.report.ViewState;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EntityKeys;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What both online APIs share: resolving the views, features and keys a request names (with the errors clients see
 * when they do not exist), the batch limit, and the status of every lookup, counted in the metrics.
 */
final class OnlineViews {
    private final ViewRegistry registry;
    private final int maxEntities;
    private final long maxResponseBytes;
    private final Clock clock;
    private final DataPlaneMetrics metrics;

    OnlineViews(ViewRegistry registry, int maxEntities, long maxResponseBytes, Clock clock, DataPlaneMetrics metrics) {
        this.registry = registry;
        this.maxEntities = maxEntities;
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
        this.metrics = metrics;
    }

    void checkBatch(int entities) {
        if (entities > maxEntities) {
            throw new FeatureDuckException(ErrorCode.BATCH_TOO_LARGE, "request asks for " + entities
                    + " entities; this data plane allows at most " + maxEntities + " per request");
        }
    }

    long nowMicros() {
        return EventTime.toMicros(clock.instant());
    }

    /** The status of one looked-up row ({@link EntityKeyIndex#ABSENT} when the key is unknown), counted. */
    LookupStatus status(OnlineIndex index, int row, long nowMicros) {
        LookupStatus status = row == EntityKeyIndex.ABSENT ? LookupStatus.NOT_FOUND : index.freshness(row, nowMicros);
        metrics.record(index.view().name(), status);
        return status;
    }

    /** Where an answer is written: at most {@code maxResponseBytes}, sized up front by {@code estimate}. */
    BufferOutputStream responseBuffer(long estimate) {
        return new BufferOutputStream(estimate, maxResponseBytes);
    }

    /** The index currently served for {@code name}, for a caller {@code grant} allows to read it. */
    OnlineIndex index(String name, Grant grant) {
        grant.require(name);
        ServedView view = registry.view(name).orElseThrow(() -> unknownView(name));
        if (view.state() == ViewState.OFFLINE) {
            throw new FeatureDuckException(ErrorCode.VIEW_NOT_ONLINE, "feature view '" + name
                    + "' is not served online (spec.online is false); use historical retrieval");
        }
        return view.index().orElseThrow(() -> new FeatureDuckException(ErrorCode.VIEW_NOT_READY, "feature view '" + name
                + "' is " + view.state().name().toLowerCase() + view.lastError().map(e -> ": " + e).orElse("")
                + "; retry later"));
    }

    /** A view this data plane does not serve, answered the same on every route. */
    static FeatureDuckException unknownView(String name) {
        return new FeatureDuckException(ErrorCode.UNKNOWN_FEATURE_VIEW, "feature view '" + name
                + "' is not served here; GET /v1/views lists the views");
    }

    static int featurePosition(OnlineIndex index, String feature) {
        int position = index.featurePosition(feature);
        if (position < 0) {
            throw new FeatureDuckException(ErrorCode.UNKNOWN_FEATURE, "feature view '" + index.view().name()
                    + "' has no feature '" + feature + "'; it has " + index.view().featureNames());
        }
        return position;
    }

    /** The canonical key of one entity, from the join-key values in {@code values} (one per entity of the view). */
    static Object key(OnlineIndex index, List<JsonNode> values) {
        List<EntitySpec> entities = index.view().entities();
        try {
            if (entities.size() == 1) {
                return EntityKeys.fromJson(values.get(0), entities.get(0));
            }
            List<Object> parts = new ArrayList<>(entities.size());
            for (int i = 0; i < entities.size(); i++) {
                parts.add(EntityKeys.fromJson(values.get(i), entities.get(i)));
            }
            return List.copyOf(parts);
        } catch (IllegalArgumentException e) {
            throw new FeatureDuckException(ErrorCode.WRONG_KEY_TYPE, e.getMessage());
        }
    }
}
