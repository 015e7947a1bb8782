package io.featureduck.dataplane.storage;

import io.featureduck.crds.ObjectStoreSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server in the test JVM: S3Proxy over a directory, with AWS signature checks. It can be stopped
 * and started again on the same port with the same objects, as an object store that goes away and comes back.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "featureduck-test";
    public static final String SECRET_KEY = "s3cr3t-value-never-shown";

    private final Path directory;
    private final int port;
    private S3Proxy proxy;
    private BlobStoreContext context;
    private final S3Client client;

    private S3TestServer(Path directory, int port) {
        this.directory = directory;
        this.port = port;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                // S3Proxy predates the SDK's default payload checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public static S3TestServer start(Path directory) {
        S3TestServer server = new S3TestServer(directory, freePort());
        server.startProxy();
        return server;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The store's options as a FeatureStore would give them. */
    public ObjectStoreSpec options() {
        return new ObjectStoreSpec(new ObjectStoreSpec.S3(endpoint(), "us-east-1", true), null, null);
    }

    /** The environment a pod gets from the store's credentials Secret. */
    public static Map<String, String> credentials() {
        return Map.of(
                ObjectStoreSettings.AWS_ACCESS_KEY_ID,
                ACCESS_KEY,
                ObjectStoreSettings.AWS_SECRET_ACCESS_KEY,
                SECRET_KEY);
    }

    public synchronized void startProxy() {
        try {
            Properties properties = new Properties();
            properties.setProperty("jclouds.filesystem.basedir", directory.toString());
            context = ContextBuilder.newBuilder("filesystem")
                    .overrides(properties)
                    .build(BlobStoreContext.class);
            proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create(endpoint()))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy on port " + port + ": " + e, e);
        }
    }

    /** Takes the server off the network; objects stay where they are. */
    public synchronized void stopProxy() {
        try {
            proxy.stop();
            context.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy: " + e, e);
        }
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    /** Uploads every file under {@code local} to {@code s3://bucket/prefix/<relative path>}. */
    public void upload(Path local, String bucket, String prefix) {
        uploadNew(local, bucket, prefix, List.of());
    }

    /** Uploads the files under {@code local} not in {@code except} (paths relative to {@code local}). */
    public void uploadNew(Path local, String bucket, String prefix, List<String> except) {
        try (Stream<Path> files = Files.walk(local)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = local.relativize(file).toString().replace('\\', '/');
                if (!except.contains(relative)) {
                    put(bucket, prefix + "/" + relative, file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void put(String bucket, String key, Path file) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
    }

    public void put(String bucket, String key, byte[] content) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    public void delete(String bucket, String key) {
        client.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public void close() {
        client.close();
        try {
            stopProxy();
        } catch (IllegalStateException ignored) {
            // Already stopped by the test.
        }
    }
}
