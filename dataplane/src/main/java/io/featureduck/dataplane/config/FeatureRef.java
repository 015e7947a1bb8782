package io.featureduck.dataplane.config;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;

/**
 * A feature named across views, written {@code view:feature} as in Feast.
 *
 * @param view    feature view name
 * @param feature feature name within the view
 */
public record FeatureRef(String view, String feature) {

    /**
     * Parses {@code view:feature} as a client sent it.
     *
     * @throws FeatureDuckException INVALID_FEATURE_REF naming the expected form
     */
    public static FeatureRef parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.indexOf(':', colon + 1) >= 0) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FEATURE_REF, "feature reference must be " + "'view:feature', got '" + text + "'");
        }
        return new FeatureRef(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The output column name: the feature's own, or {@code view__feature} with full names, as Feast does. */
    public String outputName(boolean fullNames) {
        return fullNames ? view + "__" + feature : feature;
    }

    @Override
    public String toString() {
        return view + ":" + feature;
    }
}
