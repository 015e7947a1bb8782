package io.featureduck.dataplane.storage;

import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.location.ObjectPath;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3 and S3-compatible stores through the AWS SDK v2, on the JDK's own HTTP client. */
final class S3ObjectStore implements ObjectStore {
    private final S3Client client;
    private final String endpoint;
    private final ObjectStoreSettings settings;

    S3ObjectStore(ObjectStoreSettings settings) {
        this.settings = settings;
        ObjectStoreSpec.S3 options = settings.s3().orElse(new ObjectStoreSpec.S3(null, null, null));
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .region(region(options))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(options.effectivePathStyleAccess())
                // Checksums only where S3 requires them: S3-compatible stores do not all compute the newer ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Each request is retried by the SDK (with backoff) before a refresh gives up and tries again later.
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMinutes(5)));
        if (options.endpoint() != null) {
            builder.endpointOverride(URI.create(options.endpoint()));
            endpoint = options.endpoint();
        } else {
            endpoint = "AWS S3";
        }
        client = builder.build();
    }

    private static Region region(ObjectStoreSpec.S3 options) {
        if (options.region() != null) {
            return Region.of(options.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            // No region anywhere: an S3-compatible store ignores it, and AWS redirects to the bucket's own region.
            return Region.US_EAST_1;
        }
    }

    private static AwsCredentialsProvider credentials(ObjectStoreSettings settings) {
        var keyId = settings.variable(ObjectStoreSettings.AWS_ACCESS_KEY_ID);
        var secret = settings.variable(ObjectStoreSettings.AWS_SECRET_ACCESS_KEY);
        if (keyId.isEmpty() || secret.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        var token = settings.variable(ObjectStoreSettings.AWS_SESSION_TOKEN);
        return StaticCredentialsProvider.create(
                token.isPresent()
                        ? AwsSessionCredentials.create(keyId.get(), secret.get(), token.get())
                        : AwsBasicCredentials.create(keyId.get(), secret.get()));
    }

    @Override
    public ObjectInfo stat(ObjectPath path) throws IOException {
        try {
            HeadObjectResponse head =
                    client.headObject(b -> b.bucket(path.bucket()).key(path.key()));
            return new ObjectInfo(path, head.contentLength(), head.lastModified(), head.eTag());
        } catch (SdkException e) {
            throw failure(path, e);
        }
    }

    @Override
    public ObjectListing list(ObjectPath directory) throws IOException {
        List<ObjectInfo> objects = new ArrayList<>();
        List<ObjectPath> directories = new ArrayList<>();
        String prefix = directory.directoryPrefix();
        try {
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(directory.bucket())
                    .prefix(prefix)
                    .delimiter("/")
                    .build();
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
                for (S3Object object : page.contents()) {
                    if (!object.key().equals(prefix)) {
                        objects.add(new ObjectInfo(
                                new ObjectPath(directory.scheme(), directory.bucket(), null, object.key()),
                                object.size(),
                                object.lastModified(),
                                object.eTag()));
                    }
                }
                for (CommonPrefix common : page.commonPrefixes()) {
                    directories.add(new ObjectPath(directory.scheme(), directory.bucket(), null, common.prefix()));
                }
            }
        } catch (SdkException e) {
            throw failure(directory, e);
        }
        return new ObjectListing(objects, directories);
    }

    @Override
    public InputStream read(ObjectPath path, long offset) throws IOException {
        try {
            ResponseInputStream<GetObjectResponse> response = client.getObject(
                    b -> b.bucket(path.bucket()).key(path.key()).range(offset > 0 ? "bytes=" + offset + "-" : null));
            // Closing a response early would read the rest of the object to reuse the connection; a reader that
            // seeks elsewhere wants it dropped instead.
            return new FilterInputStream(response) {
                @Override
                public void close() throws IOException {
                    response.abort();
                    response.close();
                }
            };
        } catch (SdkException e) {
            throw failure(path, e);
        }
    }

    @Override
    public ObjectInfo download(ObjectPath path, Path target) throws IOException {
        try {
            GetObjectResponse response =
                    client.getObject(b -> b.bucket(path.bucket()).key(path.key()), ResponseTransformer.toFile(target));
            return new ObjectInfo(path, response.contentLength(), response.lastModified(), response.eTag());
        } catch (SdkException e) {
            throw failure(path, e);
        }
    }

    private IOException failure(ObjectPath path, SdkException e) {
        int status = e instanceof NoSuchKeyException || e instanceof NoSuchBucketException
                ? 404
                : e instanceof S3Exception s3
                        ? s3.statusCode()
                        // No credentials anywhere in the chain: refused before asking, as the store would refuse.
                        : e.getMessage() != null && e.getMessage().contains("Unable to load credentials") ? 401 : 0;
        String detail = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
                ? s3.awsErrorDetails().errorCode() + " (HTTP " + s3.statusCode() + ")"
                : e.getMessage();
        return ObjectStoreException.of(path + " (" + endpoint + ")", status, settings.redact(detail), e);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        client.close();
    }
}
