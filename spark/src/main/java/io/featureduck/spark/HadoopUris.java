package io.featureduck.spark;

/**
 * A FeatureStore's table and file URIs as Hadoop's file systems name them: the data plane's {@code s3://} is Hadoop's
 * {@code s3a://}; every other scheme (local paths, {@code file:}, {@code abfss:}, {@code gs:}) is the same in both.
 */
final class HadoopUris {
    private HadoopUris() {}

    static String of(String uri) {
        return uri.startsWith("s3://") ? "s3a://" + uri.substring("s3://".length()) : uri;
    }
}
