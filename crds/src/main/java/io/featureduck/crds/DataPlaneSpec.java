package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Optional;

/**
 * How a store's data plane runs. The operator turns it into a Deployment; a local {@code featureduck serve} reads
 * only the serving limits.
 *
 * @param replicas          number of data-plane pods (default 1)
 * @param image             container image of the data plane
 * @param resources         CPU and memory requests and limits of each pod
 * @param maxBatchEntities  largest number of entities one online request may ask for (default 1000)
 * @param maxBodyBytes      largest request body accepted (default 1 MiB)
 * @param duckdbMemoryLimit DuckDB memory limit per pod, e.g. {@code 2GB} (default: {@value #DUCKDB_PERCENT}% of the
 *                          pod's memory limit when it has one, else DuckDB's own)
 * @param auth              how clients authenticate to the data plane
 * @param fileCacheSize     local disk for data files fetched from object stores, a Kubernetes quantity (default
 *                          10Gi): the size limit of the pods' cache volume
 * @param maxHistoricalBodyBytes largest historical request (entity rows) accepted, counted as it arrives (default 4 GiB)
 * @param maxResponseBytes  largest online answer one request may produce (default 16 MiB)
 * @param maxConcurrentHistorical historical queries admitted at once, running or queued (default 4); beyond it 503
 * @param drainPeriod       how long a pod keeps answering after SIGTERM while the Service stops sending to it
 *                          (default 5s); in-flight requests then finish before the process exits
 * @param tls               HTTPS on the API port, from a {@code kubernetes.io/tls} Secret (default: plain HTTP)
 * @param grpcPort          port of Feast's gRPC ServingService (default {@value #DEFAULT_GRPC_PORT}, Feast's own)
 * @param offlinePort       port of Feast's remote offline store protocol, Arrow Flight (default
 *                          {@value #DEFAULT_OFFLINE_PORT}, Feast's own)
 * @param shards            shards the store's entities are split over by the hash of their keys (default 1); each
 *                          shard is its own set of {@code replicas} pods, and any pod answers any request
 * @param replicateBelowRows a view whose table has fewer rows is held whole by every shard (default
 *                          {@value #DEFAULT_REPLICATE_BELOW_ROWS})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataPlaneSpec(
        @Min(0) @Max(100) @JsonPropertyDescription("Number of data-plane pods (default 1)")
        Integer replicas,

        @Size(max = 512) @JsonPropertyDescription("Container image of the data plane (default: the operator's)")
        String image,

        @JsonPropertyDescription("CPU and memory requests and limits of each pod")
        ResourcesSpec resources,

        @Min(1)
        @Max(100000)
        @JsonPropertyDescription("Largest number of entities one online request may ask for (default 1000)")
        Integer maxBatchEntities,

        @Min(1024) @JsonPropertyDescription("Largest request body accepted, in bytes (default 1 MiB)")
        Long maxBodyBytes,

        @Pattern(MEMORY_PATTERN)
        @JsonPropertyDescription("DuckDB memory limit per pod, e.g. 2GB (default: 12% of the pod's memory limit)")
        String duckdbMemoryLimit,

        @JsonPropertyDescription("How clients authenticate to the data plane")
        AuthSpec auth,

        @Pattern(QUANTITY_PATTERN)
        @JsonPropertyDescription("Local disk for data files fetched from object stores, e.g. 20Gi (default 10Gi)")
        String fileCacheSize,

        @Min(1024) @JsonPropertyDescription("Largest historical request body accepted, in bytes (default 4 GiB)")
        Long maxHistoricalBodyBytes,

        @Min(1024) @JsonPropertyDescription("Largest online answer one request may produce, in bytes (default 16 MiB)")
        Long maxResponseBytes,

        @Min(1)
        @Max(256)
        @JsonPropertyDescription("Historical queries admitted at once, running or queued (default 4); more get 503")
        Integer maxConcurrentHistorical,

        @Pattern(KubeDuration.PATTERN)
        @JsonPropertyDescription(
                "How long a pod keeps answering after SIGTERM while it leaves the Service (default 5s)")
        String drainPeriod,

        @JsonPropertyDescription("HTTPS on the API port, from a kubernetes.io/tls Secret")
        TlsSpec tls,

        @Min(1) @Max(65535) @JsonPropertyDescription("Port of Feast's gRPC ServingService (default 6566, Feast's own)")
        Integer grpcPort,

        @Min(1)
        @Max(65535)
        @JsonPropertyDescription(
                "Port of Feast's remote offline store protocol, Arrow Flight (default 8815, Feast's own)")
        Integer offlinePort,

        @Min(1)
        @Max(MAX_SHARDS)
        @JsonPropertyDescription(
                "Shards the store's entities are split over by key, each its own pods (default 1: every pod holds"
                        + " every view); replicas counts the pods of each shard")
        Integer shards,

        @Min(0)
        @JsonPropertyDescription("A view whose table has fewer rows than this is held whole by every shard instead of"
                + " split (default 100000): one shard answers it without a second hop")
        Long replicateBelowRows) {
    /** A spec without an offline port or shards of its own (the defaults). */
    public DataPlaneSpec(
            Integer replicas,
            String image,
            ResourcesSpec resources,
            Integer maxBatchEntities,
            Long maxBodyBytes,
            String duckdbMemoryLimit,
            AuthSpec auth,
            String fileCacheSize,
            Long maxHistoricalBodyBytes,
            Long maxResponseBytes,
            Integer maxConcurrentHistorical,
            String drainPeriod,
            TlsSpec tls,
            Integer grpcPort) {
        this(
                replicas,
                image,
                resources,
                maxBatchEntities,
                maxBodyBytes,
                duckdbMemoryLimit,
                auth,
                fileCacheSize,
                maxHistoricalBodyBytes,
                maxResponseBytes,
                maxConcurrentHistorical,
                drainPeriod,
                tls,
                grpcPort,
                (Integer) null);
    }

    /** An unsharded spec (the default), with its own offline port. */
    public DataPlaneSpec(
            Integer replicas,
            String image,
            ResourcesSpec resources,
            Integer maxBatchEntities,
            Long maxBodyBytes,
            String duckdbMemoryLimit,
            AuthSpec auth,
            String fileCacheSize,
            Long maxHistoricalBodyBytes,
            Long maxResponseBytes,
            Integer maxConcurrentHistorical,
            String drainPeriod,
            TlsSpec tls,
            Integer grpcPort,
            Integer offlinePort) {
        this(
                replicas,
                image,
                resources,
                maxBatchEntities,
                maxBodyBytes,
                duckdbMemoryLimit,
                auth,
                fileCacheSize,
                maxHistoricalBodyBytes,
                maxResponseBytes,
                maxConcurrentHistorical,
                drainPeriod,
                tls,
                grpcPort,
                offlinePort,
                null,
                null);
    }

    /** DuckDB's memory-limit notation. */
    public static final String MEMORY_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$";
    /** A Kubernetes resource quantity, e.g. {@code 500m}, {@code 2}, {@code 4Gi}. */
    public static final String QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$";

    /**
     * The share of a pod's memory limit the JVM heap (the online indexes) may take: the rest is DuckDB's, while it
     * reads a table, and the process's own (thread stacks, metaspace, network buffers).
     */
    public static final int HEAP_PERCENT = 50;
    /**
     * DuckDB's share of a pod's memory limit unless {@code duckdbMemoryLimit} says otherwise. DuckDB alone would take
     * 80% of the limit it sees, and beside the heap that gets the pod killed while a large table loads; within its
     * share it spills to its temporary directory instead. Measured with {@code bench/load.sh} (10M entities x 50
     * float64 features, 12 GiB pod): without a DuckDB limit, and with a 25% share, the load was killed at the pod's
     * limit; DuckDB's process memory runs about 2.7 GB above its own limit, and 12% left 1.2 GiB to spare.
     */
    public static final int DUCKDB_PERCENT = 12;

    public static final int DEFAULT_MAX_BATCH_ENTITIES = 1000;
    /** The most shards a store may have: each is a workload, a Service and a disruption budget of its own. */
    public static final int MAX_SHARDS = 64;

    public static final long DEFAULT_REPLICATE_BELOW_ROWS = 100_000;
    public static final int DEFAULT_GRPC_PORT = 6566;
    /** Feast's own port for {@code feast serve_offline}, so a client's default configuration finds it. */
    public static final int DEFAULT_OFFLINE_PORT = 8815;
    /** The data plane's HTTP API port, in a pod and for {@code featureduck serve}. */
    public static final int DEFAULT_HTTP_PORT = 8000;
    /** Probes, metrics and the view report the operator reads: no authentication, no feature values. */
    public static final int DEFAULT_MANAGEMENT_PORT = 8081;

    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final String DEFAULT_FILE_CACHE_SIZE = "10Gi";
    public static final long DEFAULT_MAX_HISTORICAL_BODY_BYTES = 4L << 30;
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L << 20;
    public static final int DEFAULT_MAX_CONCURRENT_HISTORICAL = 4;
    public static final String DEFAULT_DRAIN_PERIOD = "5s";
    /**
     * After the drain, how long a data plane lets requests in flight (a historical export) finish; the operator's
     * termination grace period covers the drain and this.
     */
    public static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(30);

    /** Every setting at its default, with authentication explicitly off (tests and tools outside a cluster). */
    public static DataPlaneSpec defaults() {
        return new DataPlaneSpec(
                null, null, null, null, null, null, AuthSpec.NONE, null, null, null, null, null, null, null);
    }

    public long effectiveMaxHistoricalBodyBytes() {
        return maxHistoricalBodyBytes == null ? DEFAULT_MAX_HISTORICAL_BODY_BYTES : maxHistoricalBodyBytes;
    }

    public long effectiveMaxResponseBytes() {
        return maxResponseBytes == null ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytes;
    }

    public int effectiveMaxConcurrentHistorical() {
        return maxConcurrentHistorical == null ? DEFAULT_MAX_CONCURRENT_HISTORICAL : maxConcurrentHistorical;
    }

    public java.time.Duration effectiveDrainPeriod() {
        return KubeDuration.parse(drainPeriod == null ? DEFAULT_DRAIN_PERIOD : drainPeriod);
    }

    /**
     * DuckDB's memory limit in its own notation: {@code duckdbMemoryLimit} when set, else {@value #DUCKDB_PERCENT}%
     * of the pod's memory limit (whole MiB), else empty (DuckDB's own default, for a process outside a pod).
     */
    public Optional<String> effectiveDuckdbMemoryLimit() {
        if (duckdbMemoryLimit != null) {
            return Optional.of(duckdbMemoryLimit);
        }
        if (resources == null || resources.memoryLimit() == null) {
            return Optional.empty();
        }
        long bytes =
                Quantity.getAmountInBytes(new Quantity(resources.memoryLimit())).longValue();
        return Optional.of(Math.max(1, bytes * DUCKDB_PERCENT / 100 >> 20) + "MiB");
    }

    public int effectiveGrpcPort() {
        return grpcPort == null ? DEFAULT_GRPC_PORT : grpcPort;
    }

    public int effectiveOfflinePort() {
        return offlinePort == null ? DEFAULT_OFFLINE_PORT : offlinePort;
    }

    public int effectiveShards() {
        return shards == null ? 1 : shards;
    }

    public long effectiveReplicateBelowRows() {
        return replicateBelowRows == null ? DEFAULT_REPLICATE_BELOW_ROWS : replicateBelowRows;
    }

    public int effectiveReplicas() {
        return replicas == null ? 1 : replicas;
    }

    public int effectiveMaxBatchEntities() {
        return maxBatchEntities == null ? DEFAULT_MAX_BATCH_ENTITIES : maxBatchEntities;
    }

    public String effectiveFileCacheSize() {
        return fileCacheSize == null ? DEFAULT_FILE_CACHE_SIZE : fileCacheSize;
    }

    public long effectiveMaxBodyBytes() {
        return maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
    }

    /** CPU and memory of one data-plane pod, in Kubernetes quantity notation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResourcesSpec(
            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("CPU request, e.g. 500m")
            String cpuRequest,

            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("CPU limit, e.g. 2")
            String cpuLimit,

            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("Memory request, e.g. 2Gi")
            String memoryRequest,

            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("Memory limit, e.g. 4Gi")
            String memoryLimit) {}

    /**
     * HTTPS on the data plane's API port. The Secret's {@code tls.crt} (PEM chain) and {@code tls.key} (PEM key) are
     * mounted into the pods and reread when they change, so a renewed certificate (cert-manager) needs no restart.
     *
     * @param secretName the {@code kubernetes.io/tls} Secret
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TlsSpec(
            @Required
            @Pattern(SpecValidator.NAME_PATTERN)
            @Size(max = 253)
            @JsonPropertyDescription("kubernetes.io/tls Secret with tls.crt and tls.key")
            String secretName) {}

    /**
     * Client authentication, enforced by the data plane on every data route ({@code docs/SECURITY.md}). There is no
     * default: a store names its choice, so an open endpoint is always a decision someone wrote down.
     *
     * @param type               {@code bearer}: a static token from a Secret; {@code kubernetes}: the caller's
     *                           Kubernetes token, checked with TokenReview, each view decided by SubjectAccessReview;
     *                           {@code none}: no authentication
     * @param tokenSecretName    bearer: the Secret whose key {@value #TOKENS_KEY} holds the accepted tokens, one per line
     * @param serviceAccountName kubernetes: the ServiceAccount the pods run as; it must be allowed to create
     *                           TokenReviews and SubjectAccessReviews (ClusterRole {@code system:auth-delegator})
     * @param writeTokenSecretName bearer: the Secret whose key {@value #TOKENS_KEY} holds the tokens that may also
     *                           push (write) rows; read tokens never may. Under kubernetes, pushing is RBAC verb
     *                           {@code push} on the view.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(
            value = "self.type != 'bearer' || has(self.tokenSecretName)",
            message = AuthSpec.BEARER_NEEDS_SECRET,
            fieldPath = ".tokenSecretName")
    @ValidationRule(
            value = "self.type != 'kubernetes' || has(self.serviceAccountName)",
            message = AuthSpec.KUBERNETES_NEEDS_ACCOUNT,
            fieldPath = ".serviceAccountName")
    public record AuthSpec(
            @Required @JsonPropertyDescription("bearer, kubernetes or none; there is no default")
            AuthType type,

            @Pattern(SpecValidator.NAME_PATTERN)
            @Size(max = 253)
            @JsonPropertyDescription("bearer: Secret holding the accepted tokens, one per line, under key 'tokens'")
            String tokenSecretName,

            @Pattern(SpecValidator.NAME_PATTERN)
            @Size(max = 253)
            @JsonPropertyDescription("kubernetes: ServiceAccount of the pods, bound to system:auth-delegator")
            String serviceAccountName,

            @Pattern(SpecValidator.NAME_PATTERN)
            @Size(max = 253)
            @JsonPropertyDescription("bearer: Secret holding the tokens that may also push rows, under key 'tokens'; "
                    + "without it no bearer token may push")
            String writeTokenSecretName) {
        public static final String TOKENS_KEY = "tokens";
        public static final AuthSpec NONE = new AuthSpec(AuthType.NONE, null, null);
        public static final String BEARER_NEEDS_SECRET =
                "bearer authentication needs tokenSecretName: the Secret " + "holding the accepted tokens";
        public static final String KUBERNETES_NEEDS_ACCOUNT = "kubernetes authentication needs serviceAccountName: a "
                + "ServiceAccount allowed to create TokenReviews and SubjectAccessReviews (system:auth-delegator)";

        public AuthSpec(AuthType type, String tokenSecretName, String serviceAccountName) {
            this(type, tokenSecretName, serviceAccountName, null);
        }

        public static final String REQUIRED =
                "spec.dataPlane.auth is required: set type bearer (tokens from a Secret), "
                        + "kubernetes (TokenReview and RBAC) or none (an open endpoint, chosen explicitly)";

        public static AuthSpec bearer(String secret) {
            return new AuthSpec(AuthType.BEARER, secret, null);
        }

        public static AuthSpec kubernetes(String serviceAccount) {
            return new AuthSpec(AuthType.KUBERNETES, null, serviceAccount);
        }
    }
}
