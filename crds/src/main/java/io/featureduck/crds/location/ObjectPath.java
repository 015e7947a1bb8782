package io.featureduck.crds.location;

import java.util.Locale;
import java.util.Set;

/**
 * An object in a cloud bucket, parsed from the URI forms the table formats write:
 * {@code s3://bucket/key} (also {@code s3a}), {@code gs://bucket/key},
 * {@code abfss://container@account.dfs.core.windows.net/key} (also {@code abfs}, {@code wasb(s)} with
 * {@code .blob.}), and {@code az://container/key}, whose account comes from the store's Azure settings.
 *
 * <p>Keys are taken as written, not URI-decoded: table metadata names files by their plain key, spaces and all.
 *
 * @param scheme    lower-case scheme as written
 * @param bucket    S3 or GCS bucket, Azure container
 * @param account   Azure storage account named in the URI, or null
 * @param key       object key without a leading slash; empty for the bucket itself
 */
public record ObjectPath(String scheme, String bucket, String account, String key) {
    private static final Set<String> S3 = Set.of("s3", "s3a");
    private static final Set<String> AZURE = Set.of("abfs", "abfss", "wasb", "wasbs", "az");
    private static final Set<String> GCS = Set.of("gs");

    /** Which service a scheme belongs to. */
    public enum Service {
        S3,
        AZURE,
        GCS
    }

    public ObjectPath {
        key = stripSlashes(key);
    }

    /** Whether {@code location} names an object store (a URI with a scheme other than {@code file}). */
    public static boolean isObjectStore(String location) {
        int separator = location.indexOf("://");
        return separator > 0 && !location.regionMatches(true, 0, "file", 0, separator);
    }

    public static boolean isSupportedScheme(String scheme) {
        String lower = scheme.toLowerCase(Locale.ROOT);
        return S3.contains(lower) || AZURE.contains(lower) || GCS.contains(lower);
    }

    public static ObjectPath parse(String uri) {
        int separator = uri.indexOf("://");
        if (separator <= 0) {
            throw new IllegalArgumentException("'" + uri + "' is not an object-store URI such as s3://bucket/key");
        }
        String scheme = uri.substring(0, separator).toLowerCase(Locale.ROOT);
        if (!isSupportedScheme(scheme)) {
            throw new IllegalArgumentException("'" + uri + "': " + scheme + ":// is not supported; use s3://, gs://, "
                    + "abfss://, wasbs:// or az://");
        }
        String rest = uri.substring(separator + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("'" + uri + "' names no bucket");
        }
        String account = null;
        String bucket = authority;
        if (AZURE.contains(scheme) && !scheme.equals("az")) {
            int at = authority.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException(
                        "'" + uri + "': expected " + scheme + "://container@account.dfs.core.windows.net/path");
            }
            bucket = authority.substring(0, at);
            String host = authority.substring(at + 1);
            int dot = host.indexOf('.');
            account = dot < 0 ? host : host.substring(0, dot);
        }
        return new ObjectPath(scheme, bucket, account, key);
    }

    public Service service() {
        if (S3.contains(scheme)) {
            return Service.S3;
        }
        return GCS.contains(scheme) ? Service.GCS : Service.AZURE;
    }

    /** The object {@code name} below this one, as a directory. */
    public ObjectPath resolve(String name) {
        String child = stripSlashes(name);
        return new ObjectPath(scheme, bucket, account, key.isEmpty() ? child : key + "/" + child);
    }

    /** The key as a listing prefix: empty for the bucket, else ending in a slash. */
    public String directoryPrefix() {
        return key.isEmpty() ? "" : key + "/";
    }

    /** The URI this path was parsed from, in its canonical form. */
    public String uri() {
        return authorityUri() + (key.isEmpty() ? "" : "/" + key);
    }

    /** {@code scheme://authority}, the part every object of the bucket shares. */
    public String authorityUri() {
        if (account == null) {
            return scheme + "://" + bucket;
        }
        String host = scheme.startsWith("wasb") ? ".blob.core.windows.net" : ".dfs.core.windows.net";
        return scheme + "://" + bucket + "@" + account + host;
    }

    @Override
    public String toString() {
        return uri();
    }

    private static String stripSlashes(String key) {
        int start = 0;
        int end = key.length();
        while (start < end && key.charAt(start) == '/') {
            start++;
        }
        while (end > start && key.charAt(end - 1) == '/') {
            end--;
        }
        return key.substring(start, end);
    }
}
