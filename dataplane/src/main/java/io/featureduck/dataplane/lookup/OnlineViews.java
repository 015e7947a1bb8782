package io.featureduck.dataplane.lookup;

import io.featureduck.crds.report.ViewState;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRegistry;
import java.time.Clock;

/**
 * What every online API shares: resolving the views and features a request names (with the errors clients see when
 * they do not exist), the batch and response limits, and the status of every lookup, counted in the metrics.
 */
public final class OnlineViews {
    private final ViewRegistry registry;
    private final int maxEntities;
    private final long maxResponseBytes;
    private final Clock clock;
    private final DataPlaneMetrics metrics;

    public OnlineViews(
            ViewRegistry registry, int maxEntities, long maxResponseBytes, Clock clock, DataPlaneMetrics metrics) {
        this.registry = registry;
        this.maxEntities = maxEntities;
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
        this.metrics = metrics;
    }

    public void checkBatch(int entities) {
        if (entities > maxEntities) {
            throw new FeatureDuckException(
                    ErrorCode.BATCH_TOO_LARGE,
                    "request asks for " + entities + " entities; this data plane allows at most " + maxEntities
                            + " per request");
        }
    }

    /** The largest answer one request may produce, in bytes. */
    public long maxResponseBytes() {
        return maxResponseBytes;
    }

    /** Refuses an answer of {@code bytes} over the response budget. */
    public void checkResponseSize(long bytes) {
        if (bytes > maxResponseBytes) {
            throw responseTooLarge(maxResponseBytes);
        }
    }

    /** The error of an answer over {@code limit} bytes, the same on every API. */
    public static FeatureDuckException responseTooLarge(long limit) {
        return new FeatureDuckException(
                ErrorCode.RESPONSE_TOO_LARGE,
                "the answer exceeds the response limit of " + limit
                        + " bytes (spec.dataPlane.maxResponseBytes); ask for fewer entities or features");
    }

    public long nowMicros() {
        return EventTime.toMicros(clock.instant());
    }

    /** The status of one looked-up row ({@link EntityKeyIndex#ABSENT} when the key is unknown), counted. */
    public LookupStatus status(OnlineIndex index, int row, long nowMicros) {
        LookupStatus status = row == EntityKeyIndex.ABSENT ? LookupStatus.NOT_FOUND : index.freshness(row, nowMicros);
        metrics.record(index.view().name(), status);
        return status;
    }

    /** The index currently served for {@code name}, for a caller {@code grant} allows to read it. */
    public OnlineIndex index(String name, Grant grant) {
        grant.require(name);
        ServedView view = registry.view(name).orElseThrow(() -> ServingConfig.notServed(name, registry.refusal(name)));
        if (view.state() == ViewState.OFFLINE) {
            throw new FeatureDuckException(
                    ErrorCode.VIEW_NOT_ONLINE,
                    "feature view '" + name
                            + "' is not served online (spec.online is false); use historical retrieval");
        }
        return view.index()
                .orElseThrow(() -> new FeatureDuckException(
                        ErrorCode.VIEW_NOT_READY,
                        "feature view '" + name
                                + "' is " + view.state().name().toLowerCase()
                                + view.lastError().map(e -> ": " + e).orElse("")
                                + "; retry later"));
    }

    /** The position of a stored feature in its view. */
    public static int featurePosition(OnlineIndex index, String feature) {
        int position = index.featurePosition(feature);
        if (position < 0) {
            throw unknownFeature(index, feature);
        }
        return position;
    }

    static FeatureDuckException unknownFeature(OnlineIndex index, String feature) {
        return new FeatureDuckException(
                ErrorCode.UNKNOWN_FEATURE,
                "feature view '" + index.view().name() + "' has no feature '" + feature + "'; it has "
                        + index.view().servedFeatureNames());
    }
}
