package io.featureduck.dataplane.lookup;

import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import java.util.Optional;

/**
 * One feature column of an answer: a stored feature of a view (its position in the view's index) or an on-demand one.
 *
 * @param viewSlot   the slot of the feature's view in its {@link FeaturePlan}
 * @param view       the view's name
 * @param name       the feature's name in its view
 * @param outputName the answer column's name ({@code feature} or {@code view__feature})
 * @param type       the value type served
 * @param position   the stored feature's position in the index; -1 for an on-demand feature
 * @param onDemand   the on-demand feature, when it is one
 */
public record AnswerFeature(
        int viewSlot,
        String view,
        String name,
        String outputName,
        ValueType type,
        int position,
        Optional<OnDemandFeature> onDemand) {
    public boolean isOnDemand() {
        return onDemand.isPresent();
    }
}
