package io.featureduck.crds;

/** The API group and versions of FeatureDuck's custom resources. */
public final class ApiVersions {
    public static final String GROUP = "featureduck.io";
    public static final String V1ALPHA1 = GROUP + "/v1alpha1";

    private ApiVersions() {
    }
}
