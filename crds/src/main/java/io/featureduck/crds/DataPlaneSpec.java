package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

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
 * @param fileCacheSize     local disk for data files fetched from object stores, a Kubernetes quantity (default
 *                          10Gi): the size limit of the pods' cache volume
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataPlaneSpec(
        @Min(0) @Max(100) @JsonPropertyDescription("Number of data-plane pods (default 1)") Integer replicas,
        @Size(max = 512) @JsonPropertyDescription("Container image of the data plane (default: the operator's)")
        String image,
        @JsonPropertyDescription("CPU and memory requests and limits of each pod") ResourcesSpec resources,
        @Min(1) @Max(100000)
        @JsonPropertyDescription("Largest number of entities one online request may ask for (default 1000)")
        Integer maxBatchEntities,
        @Min(1024) @JsonPropertyDescription("Largest request body accepted, in bytes (default 1 MiB)")
        Long maxBodyBytes,
        @Pattern(MEMORY_PATTERN) @JsonPropertyDescription("DuckDB memory limit per pod, e.g. 2GB")
        String duckdbMemoryLimit,
        @JsonPropertyDescription("How clients authenticate to the data plane") AuthSpec auth,
        @Pattern(QUANTITY_PATTERN)
        @JsonPropertyDescription("Local disk for data files fetched from object stores, e.g. 20Gi (default 10Gi)")
        String fileCacheSize) {
    /** DuckDB's memory-limit notation. */
    public static final String MEMORY_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$";
    /** A Kubernetes resource quantity, e.g. {@code 500m}, {@code 2}, {@code 4Gi}. */
    public static final String QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$";


    public static final int DEFAULT_MAX_BATCH_ENTITIES = 1000;
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final String DEFAULT_FILE_CACHE_SIZE = "10Gi";

    public static DataPlaneSpec defaults() {
        return new DataPlaneSpec(null, null, null, null, null, null, null, null);
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
            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("CPU request, e.g. 500m") String cpuRequest,
            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("CPU limit, e.g. 2") String cpuLimit,
            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("Memory request, e.g. 2Gi") String memoryRequest,
            @Pattern(QUANTITY_PATTERN) @JsonPropertyDescription("Memory limit, e.g. 4Gi") String memoryLimit) {
    }

    /**
     * Client authentication.
     *
     * <p>Only {@code none} is served today. {@code bearer} is reserved in the schema so that manifests written for it
     * stay valid once the data plane enforces it, but until then it is refused: accepting it would leave clients
     * believing an open endpoint is protected.
     *
     * @param type            {@code none} (default); {@code bearer} is refused until it is enforced
     * @param tokenSecretName Secret holding the accepted bearer token under key {@code token}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.type) || self.type != 'bearer' || has(self.tokenSecretName)",
            message = "bearer authentication needs tokenSecretName")
    @ValidationRule(value = "!has(self.type) || self.type == 'none'", message = AuthSpec.NOT_SUPPORTED)
    public record AuthSpec(
            @Pattern("^(none|bearer)$") @JsonPropertyDescription("none (default) or bearer") String type,
            @Pattern(SpecValidator.NAME_PATTERN) @Size(max = 253)
            @JsonPropertyDescription("Secret holding the accepted bearer token under key 'token'")
            String tokenSecretName) {
        public static final String NOT_SUPPORTED = "authentication is not supported yet: the data plane would not "
                + "enforce it, so only auth.type none (or no auth) is accepted";
    }
}
