package io.featureduck.bench;

import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.serving.ServedView;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One round of the object-store benchmark: the benchmark table served from local disk (the baseline) and from an
 * S3-compatible server on loopback (S3Proxy over a directory, with signature checks), measured by the load times the
 * data plane itself records.
 *
 * <ol>
 *   <li>first load from local disk; from S3 with an empty file cache (cold); again from S3 after a restart that keeps
 *       the cache (warm)</li>
 *   <li>an appended commit picked up incrementally, locally and from S3 (the new file is fetched)</li>
 *   <li>a full load of the appended version in a fresh data plane: local, and from S3 with the cache warm</li>
 * </ol>
 *
 * <p>Usage: {@code ObjectStoreBench <table-dir> <work-dir> <rows> <entities>}; prints one {@code RESULT} line of
 * milliseconds (and seconds for visibility).
 */
public final class ObjectStoreBench {
    private static final String BUCKET = "bench";
    private static final String ACCESS = "bench";
    private static final String SECRET = "bench-secret";

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]).toAbsolutePath();
        Path work = Path.of(args[1]).toAbsolutePath();
        int rows = Integer.parseInt(args[2]);
        int entities = Integer.parseInt(args[3]);
        Path table = work.resolve("local/view_0");
        copy(source, table);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Properties properties = new Properties();
        properties.setProperty(
                "jclouds.filesystem.basedir",
                Files.createDirectories(work.resolve("s3")).toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create(endpoint))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
            long uploadStart = System.nanoTime();
            List<String> uploaded = upload(s3, table, List.of());
            System.out.printf(
                    "uploaded %d files in %.1f s%n", uploaded.size(), (System.nanoTime() - uploadStart) / 1e9);

            ServingConfig local = config(work, "local.yaml", "local", "");
            ServingConfig remote = config(
                    work,
                    "s3.yaml",
                    "s3://" + BUCKET,
                    "\n    objectStores:\n      s3: {endpoint: '" + endpoint
                            + "', region: us-east-1, pathStyleAccess: true}");
            Path cache = work.resolve("cache");
            DataPlaneConfig localSettings =
                    DataPlaneConfig.of(local).address("127.0.0.1", 0).build();
            DataPlaneConfig remoteSettings = DataPlaneConfig.of(remote)
                    .address("127.0.0.1", 0)
                    .fileCache(cache, 20L << 30)
                    .environment(Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET))
                    .build();

            // The JVM's first load also pays class loading and compilation: a throwaway load takes that cost first.
            try (DataPlane warmUp = DataPlane.start(local, localSettings)) {
                loadMillis(warmUp);
            }
            DataPlane localPlane = DataPlane.start(local, localSettings);
            long localFirst = loadMillis(localPlane);
            DataPlane cold = DataPlane.start(remote, remoteSettings);
            long s3Cold = loadMillis(cold);
            cold.close();
            long cachedBytes = directorySize(cache);
            DataPlane warm = DataPlane.start(remote, remoteSettings);
            long s3Warm = loadMillis(warm);
            System.out.printf(
                    "first load: local %d ms, S3 cold %d ms (%d MiB fetched), S3 warm %d ms%n",
                    localFirst, s3Cold, cachedBytes >> 20, s3Warm);

            long version = version(localPlane);
            long committed = RefreshBench.append(table, rows, entities, 10);
            double localVisible = awaitVersion(localPlane, version + 1, committed);
            long localIncremental = loadMillis(localPlane);
            long uploadedAt = System.nanoTime();
            upload(s3, table, uploaded);
            double s3Visible = awaitVersion(warm, version + 1, uploadedAt);
            long s3Incremental = loadMillis(warm);
            System.out.printf(
                    "incremental refresh: local %d ms (visible %.2f s after the commit), S3 %d ms "
                            + "(visible %.2f s after the upload)%n",
                    localIncremental, localVisible, s3Incremental, s3Visible);
            localPlane.close();
            warm.close();

            DataPlane localFull = DataPlane.start(local, localSettings);
            long localReload = loadMillis(localFull);
            localFull.close();
            DataPlane s3Full = DataPlane.start(remote, remoteSettings);
            long s3Reload = loadMillis(s3Full);
            s3Full.close();
            System.out.printf("full load of the appended version: local %d ms, S3 warm %d ms%n", localReload, s3Reload);
            System.out.printf(
                    "RESULT\t%d\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%d\t%d\t%d%n",
                    localFirst,
                    s3Cold,
                    s3Warm,
                    localIncremental,
                    s3Incremental,
                    localVisible,
                    s3Visible,
                    localReload,
                    s3Reload,
                    cachedBytes >> 20);
        } finally {
            proxy.stop();
            context.close();
        }
    }

    private static ServingConfig config(Path work, String name, String root, String options) throws IOException {
        StringBuilder yaml = new StringBuilder("apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\n"
                + "metadata: {name: bench}\nspec:\n  lakehouse:\n    format: delta\n    root: " + root + options
                + "\n  dataPlane: {auth: {type: none}}\n---\napiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: view-0}\nspec:\n"
                + "  store: bench\n  source: {path: view_0, timestampColumn: event_timestamp}\n"
                + "  refreshInterval: 1s\n  entities: [{name: entity_id, type: int64}]\n  features:\n");
        for (int f = 0; f < 10; f++) {
            yaml.append("    - {name: f").append(f).append(", type: float64}\n");
        }
        Path file = work.resolve(name);
        Files.writeString(file, yaml);
        return new ServingConfigLoader().load(file);
    }

    /** Waits for the first load, or for the refresh in progress, and returns how long the data plane says it took. */
    private static long loadMillis(DataPlane plane) {
        plane.initialLoad().join();
        ServedView view = plane.registry().view("view-0").orElseThrow();
        if (view.index().isEmpty()) {
            throw new IllegalStateException(
                    "view-0 did not load: " + view.lastError().orElse("?"));
        }
        return view.lastLoadTime().orElseThrow().toMillis();
    }

    private static long version(DataPlane plane) {
        return plane.registry()
                .view("view-0")
                .orElseThrow()
                .index()
                .orElseThrow()
                .tableVersion();
    }

    private static double awaitVersion(DataPlane plane, long version, long sinceNanos) throws InterruptedException {
        LongSupplier served = () -> version(plane);
        while (served.getAsLong() < version) {
            plane.registry().view("view-0").orElseThrow().lastError().ifPresent(e -> {
                throw new IllegalStateException(e);
            });
            Thread.sleep(10);
        }
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** Uploads the table's files not in {@code already}; returns every file's relative path. */
    private static List<String> upload(S3Client s3, Path table, List<String> already) throws IOException {
        try (Stream<Path> files = Files.walk(table)) {
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            // Data files first, the log last: a reader never sees a commit whose files are not there yet.
            List<Path> ordered = Stream.concat(
                            all.stream().filter(p -> !p.toString().contains("_delta_log")),
                            all.stream().filter(p -> p.toString().contains("_delta_log")))
                    .toList();
            for (Path file : ordered) {
                String relative = table.relativize(file).toString();
                if (!already.contains(relative)) {
                    s3.putObject(b -> b.bucket(BUCKET).key("view_0/" + relative), RequestBody.fromFile(file));
                }
            }
            return all.stream().map(p -> table.relativize(p).toString()).toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted().toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static long directorySize(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private ObjectStoreBench() {}
}
