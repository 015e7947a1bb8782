package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * How the data plane reaches the object stores a store's tables live in. Credentials are not here: they come from
 * {@code spec.lakehouse.credentialsSecret}, or from each cloud's default credential chain.
 *
 * @param s3    S3 and S3-compatible stores ({@code s3://})
 * @param azure Azure Blob Storage and ADLS Gen2 ({@code abfss://}, {@code wasbs://}, {@code az://})
 * @param gcs   Google Cloud Storage ({@code gs://})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectStoreSpec(
        @JsonPropertyDescription("S3 and S3-compatible stores (MinIO, Ceph, R2)")
        S3 s3,

        @JsonPropertyDescription("Azure Blob Storage and ADLS Gen2")
        Azure azure,

        @JsonPropertyDescription("Google Cloud Storage") Gcs gcs) {

    /** An http(s) endpoint. */
    static final String ENDPOINT_PATTERN = "^https?://[^\\s/]+(/.*)?$";

    /**
     * @param endpoint        for an S3-compatible store, its URL (default: AWS for the region)
     * @param region          signing region (default: the SDK's region chain, else {@code us-east-1})
     * @param pathStyleAccess address buckets as {@code endpoint/bucket} instead of {@code bucket.endpoint}, as most
     *                        S3-compatible stores need
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record S3(
            @Pattern(ENDPOINT_PATTERN)
            @Size(max = 2048)
            @JsonPropertyDescription("Endpoint URL of an S3-compatible store, e.g. http://minio.minio:9000")
            String endpoint,

            @Size(max = 64) @JsonPropertyDescription("Signing region, e.g. eu-west-1")
            String region,

            @JsonPropertyDescription("Path-style bucket addressing (MinIO, Ceph, R2)")
            Boolean pathStyleAccess) {
        public boolean effectivePathStyleAccess() {
            return Boolean.TRUE.equals(pathStyleAccess);
        }
    }

    /**
     * @param endpoint    blob service URL, e.g. {@code https://account.blob.core.windows.net} (default: from the
     *                    account); for Azurite {@code http://127.0.0.1:10000/devstoreaccount1}
     * @param accountName storage account for {@code az://container/path} locations, which do not name one
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Azure(
            @Pattern(ENDPOINT_PATTERN)
            @Size(max = 2048)
            @JsonPropertyDescription("Blob service endpoint URL (default: https://<account>.blob.core.windows.net)")
            String endpoint,

            @Pattern("^[a-z0-9]{3,24}$") @JsonPropertyDescription("Storage account of az:// locations")
            String accountName) {}

    /**
     * @param endpoint  API endpoint (default: Google's), for an emulator or a private endpoint
     * @param projectId project to bill requests to (default: the credentials' project)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Gcs(
            @Pattern(ENDPOINT_PATTERN) @Size(max = 2048) @JsonPropertyDescription("API endpoint URL")
            String endpoint,

            @Size(max = 64) @JsonPropertyDescription("Project ID")
            String projectId) {}

    public static ObjectStoreSpec none() {
        return new ObjectStoreSpec(null, null, null);
    }
}
