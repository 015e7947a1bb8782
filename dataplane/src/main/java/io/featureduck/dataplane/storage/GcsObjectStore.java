package io.featureduck.dataplane.storage;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.BaseServiceException;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.location.ObjectPath;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Google Cloud Storage through the official client library (JSON API). */
final class GcsObjectStore implements ObjectStore {
    private final Storage storage;
    private final ObjectStoreSettings settings;
    private final String endpoint;

    GcsObjectStore(ObjectStoreSettings settings) {
        this(settings, client(settings));
    }

    /** Over a given client, such as the library's own in-memory test double. */
    GcsObjectStore(ObjectStoreSettings settings, Storage storage) {
        this.settings = settings;
        this.storage = storage;
        this.endpoint = settings.gcs().map(ObjectStoreSpec.Gcs::endpoint).orElse("Google Cloud Storage");
    }

    static Storage client(ObjectStoreSettings settings) {
        StorageOptions.Builder builder = StorageOptions.http();
        settings.gcs().map(ObjectStoreSpec.Gcs::endpoint).ifPresent(builder::setHost);
        settings.gcs().map(ObjectStoreSpec.Gcs::projectId).ifPresent(builder::setProjectId);
        var json = settings.variable(ObjectStoreSettings.GOOGLE_SERVICE_ACCOUNT_JSON);
        if (json.isPresent()) {
            try {
                builder.setCredentials(GoogleCredentials.fromStream(
                        new ByteArrayInputStream(json.get().getBytes(StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        ObjectStoreSettings.GOOGLE_SERVICE_ACCOUNT_JSON
                                + " does not hold a service-account key in JSON",
                        e);
            }
        }
        // Without a key: Application Default Credentials (workload identity, the metadata server, gcloud's login).
        return builder.build().getService();
    }

    @Override
    public ObjectInfo stat(ObjectPath path) throws IOException {
        Blob blob;
        try {
            blob = storage.get(BlobId.of(path.bucket(), path.key()));
        } catch (BaseServiceException e) {
            throw failure(path, e);
        }
        if (blob == null) {
            throw new FileNotFoundException(path + " (" + endpoint + "): no such object");
        }
        return info(path, blob);
    }

    private static ObjectInfo info(ObjectPath path, Blob blob) {
        Instant updated = blob.getUpdateTimeOffsetDateTime() != null
                ? blob.getUpdateTimeOffsetDateTime().toInstant()
                : Instant.EPOCH;
        return new ObjectInfo(path, blob.getSize(), updated, String.valueOf(blob.getGeneration()));
    }

    @Override
    public ObjectListing list(ObjectPath directory) throws IOException {
        List<ObjectInfo> objects = new ArrayList<>();
        List<ObjectPath> directories = new ArrayList<>();
        String prefix = directory.directoryPrefix();
        try {
            for (Blob blob : storage.list(
                            directory.bucket(),
                            Storage.BlobListOption.prefix(prefix),
                            Storage.BlobListOption.currentDirectory())
                    .iterateAll()) {
                ObjectPath child = new ObjectPath(directory.scheme(), directory.bucket(), null, blob.getName());
                if (blob.isDirectory()) {
                    directories.add(child);
                } else if (!blob.getName().equals(prefix)) {
                    objects.add(info(child, blob));
                }
            }
        } catch (BaseServiceException e) {
            throw failure(directory, e);
        }
        return new ObjectListing(objects, directories);
    }

    @Override
    public InputStream read(ObjectPath path, long offset) throws IOException {
        try {
            ReadChannel channel = storage.reader(BlobId.of(path.bucket(), path.key()));
            channel.seek(offset);
            return Channels.newInputStream(channel);
        } catch (BaseServiceException e) {
            throw failure(path, e);
        }
    }

    @Override
    public ObjectInfo download(ObjectPath path, Path target) throws IOException {
        try {
            Blob blob = storage.get(BlobId.of(path.bucket(), path.key()));
            if (blob == null) {
                throw new FileNotFoundException(path + " (" + endpoint + "): no such object");
            }
            // Read exactly the generation looked at, so the version returned is that of the bytes written.
            blob.downloadTo(target);
            return info(path, blob);
        } catch (BaseServiceException e) {
            throw failure(path, e);
        }
    }

    private IOException failure(ObjectPath path, BaseServiceException e) {
        // The library reports "no answer" as code 0 too, with the connection failure as its cause.
        return ObjectStoreException.of(
                path + " (" + endpoint + ")", Math.max(0, e.getCode()), settings.redact(e.getMessage()), e);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (Exception ignored) {
            // Closing releases connections only.
        }
    }
}
