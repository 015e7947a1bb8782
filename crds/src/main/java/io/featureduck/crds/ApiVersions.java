package io.featureduck.crds;

/** The API group and versions of FeatureDuck's custom resources. */
public final class ApiVersions {
    public static final String GROUP = "featureduck.io";
    public static final String VERSION = "v1alpha1";
    public static final String V1ALPHA1 = GROUP + "/" + VERSION;

    private ApiVersions() {}
}
