package io.featureduck.dataplane.cli;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.KubeDuration;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.AuthSettings;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.DefinitionException;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.Sharding;
import io.featureduck.dataplane.slots.ShardLayout;
import io.featureduck.dataplane.storage.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featureduck serve -f <yaml>}: what a data-plane pod runs, and what a developer runs locally. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve the feature views of a FeatureStore YAML file over HTTP and gRPC.")
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML file with one FeatureStore, its FeatureViews and FeatureServices")
    Path file;

    @Option(
            names = "--port",
            defaultValue = "" + DataPlaneSpec.DEFAULT_HTTP_PORT,
            description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--management-port",
            defaultValue = "" + DataPlaneSpec.DEFAULT_MANAGEMENT_PORT,
            description = "Port of /health, /ready, /metrics and the operator's view report, served without "
                    + "authentication; never exposed outside the cluster (default: ${DEFAULT-VALUE})")
    int managementPort;

    @Option(
            names = "--grpc-port",
            description = "Port of Feast's gRPC ServingService and registry, and the gRPC health service (default: "
                    + "spec.dataPlane.grpcPort, else 6566, Feast's own)")
    Integer grpcPort;

    @Option(
            names = "--offline-port",
            description = "Port of Feast's remote offline store protocol, Arrow Flight (default: "
                    + "spec.dataPlane.offlinePort, else 8815, Feast's own)")
    Integer offlinePort;

    @Option(
            names = "--auth-token-file",
            description = "Require 'Authorization: Bearer <token>' with one of the tokens of this file (one per line; "
                    + "reread when it changes). In a pod, the store's token Secret mounted by the operator")
    Path authTokenFile;

    @Option(
            names = "--auth-write-token-file",
            description = "With --auth-token-file: the tokens (one per line) that may also push rows to views that "
                    + "take pushes; read tokens never may. In a pod, the store's write-token Secret")
    Path authWriteTokenFile;

    @Option(
            names = "--tls-cert",
            description = "PEM certificate chain: serve the API over HTTPS (with --tls-key); "
                    + "reread when the file changes")
    Path tlsCertificate;

    @Option(names = "--tls-key", description = "PEM private key of --tls-cert")
    Path tlsKey;

    @Option(
            names = "--auth-namespace",
            description = "For auth.type kubernetes: the namespace of the store's FeatureViews, where access is "
                    + "checked with SubjectAccessReviews")
    String authNamespace;

    @Option(
            names = "--host",
            defaultValue = DataPlaneConfig.SERVE_HOST,
            description = "Interface to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--reload-interval",
            defaultValue = DataPlaneConfig.DEFAULT_CONFIG_RELOAD,
            description =
                    "How often the file is checked for changed views, e.g. 2s; 0 turns reloading off (default: ${DEFAULT-VALUE})")
    String reloadInterval;

    @Option(
            names = "--lakehouse-root",
            description = "Read the store's tables from this directory instead of spec.lakehouse.root, e.g. to serve "
                    + "a pod's configuration outside the cluster from a copy of its lakehouse volume")
    Path lakehouseRoot;

    @Option(
            names = "--shard",
            description = "This process's shard of a sharded store, i/N: it holds the keys of its slots and asks"
                    + " the other shards (--peer) for the rest (default: unsharded)")
    String shard;

    @Option(
            names = "--peer",
            description = "Where shard j answers, j=host:grpcPort; once per other shard, repeated for replicas")
    List<String> peers = new ArrayList<>();

    @Option(
            names = "--file-cache-dir",
            description =
                    "Where data files fetched from object stores are kept (default: a private temporary directory)")
    Path fileCacheDirectory;

    @Option(
            names = "--file-cache-size",
            defaultValue = DataPlaneSpec.DEFAULT_FILE_CACHE_SIZE,
            description = "Size limit of the file cache, e.g. 20Gi (default: ${DEFAULT-VALUE})")
    String fileCacheSize;

    @Override
    public Integer call() throws InterruptedException {
        ServingConfig config;
        try {
            config = loader().load(file);
        } catch (DefinitionException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Duration interval = KubeDuration.parse(reloadInterval.equals("0") ? "0s" : reloadInterval);
        DataPlaneConfig settings;
        DataPlane dataPlane;
        try {
            DataPlaneConfig.Builder builder =
                    DataPlaneConfig.of(config).address(host, port).managementPort(managementPort);
            if (grpcPort != null) {
                builder.grpcPort(grpcPort);
            }
            if (offlinePort != null) {
                builder.offlinePort(offlinePort);
            }
            settings = builder.configReloadInterval(interval)
                    .authTokenFile(authTokenFile)
                    .authWriteTokenFile(authWriteTokenFile)
                    .authNamespace(authNamespace)
                    .tls(tlsCertificate, tlsKey)
                    .fileCache(fileCacheDirectory, StorageSettings.parseSize(fileCacheSize))
                    .shard(shard == null ? ShardLayout.UNSHARDED : ShardLayout.parse(shard), Sharding.parsePeers(peers))
                    .build();
            dataPlane = DataPlane.start(config, settings);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        dataPlane.watch(file, loader());
        System.out.println("FeatureDuck serving " + config.views().size() + " feature views of store '"
                + config.store().name() + "' on " + (settings.tls().isPresent() ? "https" : "http") + "://" + host + ":"
                + dataPlane.port() + " (" + authDescription(settings)
                + "); Feast gRPC (serving and registry) on port " + dataPlane.grpcPort()
                + ", Feast's offline store (Arrow Flight) on port " + dataPlane.offlinePort()
                + (settings.sharding().layout().isSharded()
                        ? "; shard " + settings.sharding().layout() + " of its keys"
                        : "")
                + "; probes and metrics on port "
                + dataPlane.managementPort());
        awaitShutdown(dataPlane, new CountDownLatch(1));
        return 0;
    }

    private static String authDescription(DataPlaneConfig settings) {
        if (settings.auth() instanceof AuthSettings.BearerTokenFile) {
            return "bearer tokens required";
        }
        if (settings.auth() instanceof AuthSettings.KubernetesRbac rbac) {
            return "Kubernetes tokens and RBAC of namespace " + rbac.namespace();
        }
        return "no authentication";
    }

    private ServingConfigLoader loader() {
        return lakehouseRoot == null
                ? new ServingConfigLoader()
                : new ServingConfigLoader().withLakehouseRoot(lakehouseRoot);
    }

    /**
     * Serves until the JVM is asked to stop (Ctrl-C, SIGTERM from the kubelet), then drains and finishes the requests
     * in flight ({@link DataPlane#shutdownGracefully}), or until {@code stop} is counted down.
     */
    static void awaitShutdown(DataPlane dataPlane, CountDownLatch stop) throws InterruptedException {
        Thread hook = new Thread(
                () -> {
                    dataPlane.shutdownGracefully();
                    stop.countDown();
                },
                "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        dataPlane.close();
    }
}
