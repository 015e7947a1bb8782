package io.featureduck.dataplane.lookup;

import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import java.util.Optional;

/**
 * One feature column of an answer: a stored feature of a view (its position in the view's index), an on-demand one,
 * or an aggregated one (computed at the request time from the view's events).
 *
 * @param viewSlot   the slot of the feature's view in its {@link FeaturePlan}
 * @param view       the view's name
 * @param name       the feature's name in its view
 * @param outputName the answer column's name ({@code feature} or {@code view__feature})
 * @param type       the value type served
 * @param position   the stored feature's position in the index; -1 for an on-demand feature
 * @param onDemand   the on-demand feature, when it is one
 * @param aggregate  the aggregated feature's position in {@code ViewAggregations#features()}; -1 for the others
 */
public record AnswerFeature(
        int viewSlot,
        String view,
        String name,
        String outputName,
        ValueType type,
        int position,
        Optional<OnDemandFeature> onDemand,
        int aggregate) {
    public boolean isOnDemand() {
        return onDemand.isPresent();
    }

    public boolean isAggregate() {
        return aggregate >= 0;
    }

    /** Whether the value is computed per request (on-demand or aggregated) rather than read from a stored column. */
    public boolean isComputed() {
        return onDemand.isPresent() || aggregate >= 0;
    }
}
