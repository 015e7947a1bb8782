package io.featureduck.dataplane.storage;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.ClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.location.ObjectPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Azure Blob Storage through the Azure SDK's blob client. ADLS Gen2 accounts ({@code abfss://}) serve the same data
 * through the blob endpoint, which is also what Azurite emulates.
 */
final class AzureBlobObjectStore implements ObjectStore {
    private final ObjectStoreSettings settings;
    private final Map<String, BlobServiceClient> accounts = new ConcurrentHashMap<>();

    AzureBlobObjectStore(ObjectStoreSettings settings) {
        this.settings = settings;
    }

    private String account(ObjectPath path) {
        if (path.account() != null) {
            return path.account();
        }
        return settings.azure()
                .map(ObjectStoreSpec.Azure::accountName)
                .or(() -> settings.variable("AZURE_STORAGE_ACCOUNT"))
                .orElseThrow(() -> new IllegalArgumentException(path + ": az:// locations need "
                        + "spec.lakehouse.objectStores.azure.accountName (or AZURE_STORAGE_ACCOUNT)"));
    }

    private String endpoint(String account) {
        return settings.azure()
                .map(ObjectStoreSpec.Azure::endpoint)
                .orElse("https://" + account + ".blob.core.windows.net");
    }

    private BlobServiceClient service(ObjectPath path) {
        String account = account(path);
        return accounts.computeIfAbsent(account, this::newClient);
    }

    private BlobServiceClient newClient(String account) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(3)
                        .setBaseDelay(Duration.ofMillis(200))
                        .setMaxDelay(Duration.ofSeconds(5))))
                .clientOptions(new ClientOptions().setApplicationId("featureduck"));
        var connectionString = settings.variable(ObjectStoreSettings.AZURE_STORAGE_CONNECTION_STRING);
        var key = settings.variable(ObjectStoreSettings.AZURE_STORAGE_ACCOUNT_KEY);
        var sas = settings.variable(ObjectStoreSettings.AZURE_STORAGE_SAS_TOKEN);
        if (connectionString.isPresent()) {
            builder.connectionString(connectionString.get());
            settings.azure().map(ObjectStoreSpec.Azure::endpoint).ifPresent(builder::endpoint);
            return builder.buildClient();
        }
        builder.endpoint(endpoint(account));
        if (key.isPresent()) {
            builder.credential(new StorageSharedKeyCredential(account, key.get()));
        } else if (sas.isPresent()) {
            builder.sasToken(sas.get());
        } else {
            builder.credential(new DefaultAzureCredentialBuilder().build());
        }
        return builder.buildClient();
    }

    private BlobClient blob(ObjectPath path) {
        return service(path).getBlobContainerClient(path.bucket()).getBlobClient(path.key());
    }

    @Override
    public ObjectInfo stat(ObjectPath path) throws IOException {
        try {
            BlobProperties properties = blob(path).getProperties();
            return new ObjectInfo(
                    path, properties.getBlobSize(), properties.getLastModified().toInstant(), properties.getETag());
        } catch (RuntimeException e) {
            throw failure(path, e);
        }
    }

    @Override
    public ObjectListing list(ObjectPath directory) throws IOException {
        List<ObjectInfo> objects = new ArrayList<>();
        List<ObjectPath> directories = new ArrayList<>();
        String prefix = directory.directoryPrefix();
        try {
            BlobContainerClient container = service(directory).getBlobContainerClient(directory.bucket());
            for (BlobItem item : container.listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(prefix), null)) {
                ObjectPath child =
                        new ObjectPath(directory.scheme(), directory.bucket(), directory.account(), item.getName());
                if (Boolean.TRUE.equals(item.isPrefix())) {
                    directories.add(child);
                } else if (!item.getName().equals(prefix)) {
                    objects.add(new ObjectInfo(
                            child,
                            item.getProperties().getContentLength(),
                            item.getProperties().getLastModified().toInstant(),
                            item.getProperties().getETag()));
                }
            }
        } catch (RuntimeException e) {
            throw failure(directory, e);
        }
        return new ObjectListing(objects, directories);
    }

    @Override
    public InputStream read(ObjectPath path, long offset) throws IOException {
        try {
            return blob(path).openInputStream(new BlobRange(offset), null);
        } catch (RuntimeException e) {
            throw failure(path, e);
        }
    }

    @Override
    public ObjectInfo download(ObjectPath path, Path target) throws IOException {
        try {
            BlobProperties properties = blob(path).downloadToFile(target.toString());
            return new ObjectInfo(
                    path, properties.getBlobSize(), properties.getLastModified().toInstant(), properties.getETag());
        } catch (RuntimeException e) {
            throw failure(path, e);
        }
    }

    private IOException failure(ObjectPath path, RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return new ObjectStoreException(ObjectStoreException.Fault.FAILED, settings.redact(e.getMessage()), e);
        }
        int status = e instanceof HttpResponseException http && http.getResponse() != null
                ? http.getResponse().getStatusCode()
                : 0;
        String detail = status != 0
                ? "HTTP " + status
                : e instanceof UncheckedIOException u ? u.getCause().toString() : e.toString();
        return ObjectStoreException.of(path + " (" + endpointFor(path) + ")", status, settings.redact(detail), e);
    }

    private String endpointFor(ObjectPath path) {
        try {
            return endpoint(account(path));
        } catch (IllegalArgumentException e) {
            return "Azure";
        }
    }

    @Override
    public String endpoint() {
        return settings.azure().map(ObjectStoreSpec.Azure::endpoint).orElse("Azure Blob Storage");
    }

    @Override
    public void close() {
        // The SDK's clients share one HTTP client per JVM; nothing of ours to release.
    }
}
