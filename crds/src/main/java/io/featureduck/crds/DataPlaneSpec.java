package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a store's data plane runs. The operator turns it into a Deployment; a local {@code featureduck serve} reads
 * only the serving limits.
 *
 * @param replicas          number of data-plane pods (default 1)
 * @param image             container image of the data plane
 * @param resources         CPU and memory requests and limits of each pod
 * @param maxBatchEntities  largest number of entities one online request may ask for (default 1000)
 * @param maxBodyBytes      largest request body accepted (default 1 MiB)
 * @param duckdbMemoryLimit DuckDB memory limit per pod, e.g. {@code 2GB} (default: DuckDB's own)
 * @param auth              how clients authenticate to the data plane
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataPlaneSpec(Integer replicas, String image, ResourcesSpec resources, Integer maxBatchEntities,
                            Long maxBodyBytes, String duckdbMemoryLimit, AuthSpec auth) {

    public static final int DEFAULT_MAX_BATCH_ENTITIES = 1000;
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public static DataPlaneSpec defaults() {
        return new DataPlaneSpec(null, null, null, null, null, null, null);
    }

    public int effectiveReplicas() {
        return replicas == null ? 1 : replicas;
    }

    public int effectiveMaxBatchEntities() {
        return maxBatchEntities == null ? DEFAULT_MAX_BATCH_ENTITIES : maxBatchEntities;
    }

    public long effectiveMaxBodyBytes() {
        return maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
    }

    /** CPU and memory of one data-plane pod, in Kubernetes quantity notation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResourcesSpec(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
    }

    /**
     * Client authentication.
     *
     * @param type            {@code none} (default) or {@code bearer}
     * @param tokenSecretName Secret holding the accepted bearer token under key {@code token}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuthSpec(String type, String tokenSecretName) {
    }
}
