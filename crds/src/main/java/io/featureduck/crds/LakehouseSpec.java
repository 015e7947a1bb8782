package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Where a store's tables live.
 *
 * @param format default table format of the store's views
 * @param root   base location of the store's tables: an object-store URI ({@code s3://}, {@code gs://},
 *               {@code abfss://}, {@code az://}), an absolute path, a {@code file:} URI, or a path relative to the
 *               file that defines the store
 * @param persistentVolumeClaim in a cluster, the claim holding the tables, mounted read-only at {@code root}
 * @param credentialsSecret     Secret whose keys become the data-plane pods' environment variables, where the cloud
 *                              SDKs find their credentials ({@code AWS_ACCESS_KEY_ID}, ...; see docs/OBJECT_STORES.md)
 * @param objectStores          endpoints and options of the object stores
 * @param allowedRoots          further locations (paths or object-store prefixes) views may read besides
 *                              {@code root}; a view path or path rewrite outside all of them is refused
 * @param catalogs              the Iceberg catalogs the store's views may name, each by its {@code name}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.persistentVolumeClaim) || self.root.startsWith('/')",
        message = "with a persistentVolumeClaim, root must be the absolute path where the claim is mounted",
        fieldPath = ".root")
@ValidationRule(
        value = "!self.root.contains('://') || self.root.matches('^(file|s3|s3a|gs|abfs|abfss|wasb|wasbs|az)://')",
        message = "root must be a path or an s3://, gs://, abfss://, wasbs:// or az:// URI",
        fieldPath = ".root")
@ValidationRule(
        value = "!has(self.catalogs) || self.catalogs.all(c, has(c.name) && has(c.type))",
        message = "each catalog of a store needs a name and a type",
        fieldPath = ".catalogs")
public record LakehouseSpec(
        @Required @JsonPropertyDescription("Default table format of the store's views")
        TableFormat format,

        @Required
        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("Base location of the store's tables: an s3://, gs://, abfss:// or az:// URI, an "
                + "absolute path, a file: URI, or (when served locally) a path relative to the file defining the store")
        String root,

        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = 253)
        @JsonPropertyDescription("PersistentVolumeClaim holding the tables; the operator mounts it read-only at root")
        String persistentVolumeClaim,

        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = 253)
        @JsonPropertyDescription(
                "Secret whose keys become environment variables of the data-plane pods: the object "
                        + "stores' credentials (AWS_ACCESS_KEY_ID, AZURE_STORAGE_ACCOUNT_KEY, GOOGLE_SERVICE_ACCOUNT_JSON, ...)")
        String credentialsSecret,

        @JsonPropertyDescription("Endpoints and options of the object stores holding the tables")
        ObjectStoreSpec objectStores,

        @Size(max = 16)
        @JsonPropertyDescription("Further locations views may read besides root; paths outside them are refused")
        List<@Size(min = 1, max = 2048) String> allowedRoots,

        @Size(max = 16) @JsonPropertyDescription("Iceberg catalogs the store's views may name, each with a name")
        List<CatalogSpec> catalogs) {
    public LakehouseSpec {
        allowedRoots = allowedRoots == null ? List.of() : List.copyOf(allowedRoots);
        catalogs = catalogs == null ? List.of() : List.copyOf(catalogs);
    }

    public LakehouseSpec(TableFormat format, String root) {
        this(format, root, null);
    }

    public LakehouseSpec(TableFormat format, String root, String persistentVolumeClaim) {
        this(format, root, persistentVolumeClaim, null, null, null, null);
    }

    public LakehouseSpec(
            TableFormat format,
            String root,
            String persistentVolumeClaim,
            String credentialsSecret,
            ObjectStoreSpec objectStores) {
        this(format, root, persistentVolumeClaim, credentialsSecret, objectStores, null, null);
    }

    /** The store's catalog {@code name}. */
    public java.util.Optional<CatalogSpec> catalog(String name) {
        return catalogs.stream().filter(c -> name.equals(c.name())).findFirst();
    }

    public ObjectStoreSpec effectiveObjectStores() {
        return objectStores == null ? ObjectStoreSpec.none() : objectStores;
    }
}
