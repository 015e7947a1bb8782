package io.featureduck.operator.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything the operator can be told, read from environment variables here and nowhere else. Each variable is
 * listed in {@link #DOCUMENTATION} with its default, which {@code --help} prints and the README repeats.
 *
 * @param serverSideApply   patch resources with server-side apply (true for real API servers; false for API servers
 *                          without it, such as Fabric8's mock server in tests)
 * @param namespaces        namespaces to watch; empty means all
 * @param dataPlaneImage    image of data-plane pods when a FeatureStore names none
 * @param dataPlaneUrl      how the operator reaches a store's data plane for view status: with {@code {podIP}}, every
 *                          ready pod is asked; otherwise the one URL ({@code {service}}, {@code {namespace}} and
 *                          {@code {port}} are filled in), e.g. a port-forward when the operator runs outside the
 *                          cluster
 * @param statusInterval    how often FeatureView status is refreshed from the data plane, and a running
 *                          HistoricalRetrieval's from its SparkApplication
 * @param leaderElection    whether replicas elect a leader (run two for availability)
 * @param leaseNamespace    namespace of the leader-election Lease; empty means the operator's own
 * @param sparkImage        image of HistoricalRetrievals' Spark applications when a retrieval names none
 */
public record OperatorSettings(
        boolean serverSideApply,
        Set<String> namespaces,
        String dataPlaneImage,
        String dataPlaneUrl,
        Duration statusInterval,
        boolean leaderElection,
        String leaseNamespace,
        String sparkImage) {
    public static final String DEFAULT_IMAGE = "ghcr.io/featureduck/featureduck:0.1.0";
    public static final String DEFAULT_SPARK_IMAGE = "ghcr.io/featureduck/featureduck-spark:0.1.0";
    public static final String DEFAULT_DATA_PLANE_URL = "http://{podIP}:{port}";
    public static final String LEASE_NAME = "featureduck-operator";
    /** How often the data planes are asked what they serve, unless FEATUREDUCK_STATUS_INTERVAL says otherwise. */
    public static final String DEFAULT_STATUS_INTERVAL = "30s";

    public static final String DOCUMENTATION =
            """
            FEATUREDUCK_SERVER_SIDE_APPLY   true | false (default true): patch with server-side apply; false uses plain
                                            create/update/patch, for API servers without server-side apply
            FEATUREDUCK_NAMESPACES          comma-separated namespaces to watch (default: all)
            FEATUREDUCK_DATAPLANE_IMAGE     data-plane image when a FeatureStore names none (default %s)
            FEATUREDUCK_DATAPLANE_URL       how to reach a store's data plane for view status (default %s: every
                                            ready pod; without {podIP}, one URL, e.g. http://localhost:8000)
            FEATUREDUCK_STATUS_INTERVAL     how often FeatureView status is read from the data plane, and a running
                                            HistoricalRetrieval's from its SparkApplication (default %s)
            FEATUREDUCK_LEADER_ELECTION     true | false (default false): elect a leader among operator replicas
            FEATUREDUCK_LEASE_NAMESPACE     namespace of the leader-election Lease (default: the operator's own)
            FEATUREDUCK_SPARK_IMAGE         image of HistoricalRetrievals' Spark applications when one names none
                                            (default %s)
            KUBECONFIG                      kubeconfig outside a cluster (default ~/.kube/config)
            """.formatted(DEFAULT_IMAGE, DEFAULT_DATA_PLANE_URL, DEFAULT_STATUS_INTERVAL, DEFAULT_SPARK_IMAGE);

    public OperatorSettings {
        namespaces = Set.copyOf(namespaces);
    }

    public static OperatorSettings fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the settings from {@code environment}; a malformed value fails naming the variable. */
    public static OperatorSettings from(Map<String, String> environment) {
        Function<String, String> get = name -> {
            String value = environment.get(name);
            return value == null ? "" : value.trim();
        };
        return new OperatorSettings(
                bool("FEATUREDUCK_SERVER_SIDE_APPLY", get.apply("FEATUREDUCK_SERVER_SIDE_APPLY"), true),
                Arrays.stream(get.apply("FEATUREDUCK_NAMESPACES").split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                orDefault(get.apply("FEATUREDUCK_DATAPLANE_IMAGE"), DEFAULT_IMAGE),
                orDefault(get.apply("FEATUREDUCK_DATAPLANE_URL"), DEFAULT_DATA_PLANE_URL),
                duration(
                        "FEATUREDUCK_STATUS_INTERVAL",
                        orDefault(get.apply("FEATUREDUCK_STATUS_INTERVAL"), DEFAULT_STATUS_INTERVAL)),
                bool("FEATUREDUCK_LEADER_ELECTION", get.apply("FEATUREDUCK_LEADER_ELECTION"), false),
                get.apply("FEATUREDUCK_LEASE_NAMESPACE"),
                orDefault(get.apply("FEATUREDUCK_SPARK_IMAGE"), DEFAULT_SPARK_IMAGE));
    }

    /** Whether view status is read from every ready data-plane pod rather than from one URL. */
    public boolean addressesPods() {
        return dataPlaneUrl.contains("{podIP}");
    }

    /** The URL of one data-plane pod. */
    public String podUrl(String podIp, int port) {
        String host = podIp.contains(":") ? "[" + podIp + "]" : podIp;
        return dataPlaneUrl.replace("{podIP}", host).replace("{port}", Integer.toString(port));
    }

    /** The one URL of a store's data plane, when pods are not addressed one by one. */
    public String dataPlaneUrl(String service, String namespace, int port) {
        return dataPlaneUrl
                .replace("{service}", service)
                .replace("{namespace}", namespace)
                .replace("{port}", Integer.toString(port));
    }

    private static String orDefault(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }

    private static boolean bool(String name, String value, boolean fallback) {
        return switch (value.toLowerCase()) {
            case "" -> fallback;
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + "='" + value + "': expected true or false");
        };
    }

    private static Duration duration(String name, String value) {
        try {
            return io.featureduck.crds.KubeDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "='" + value + "': " + e.getMessage(), e);
        }
    }
}
