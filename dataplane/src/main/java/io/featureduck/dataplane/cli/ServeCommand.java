package io.featureduck.dataplane.cli;

import io.featureduck.crds.KubeDuration;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.DefinitionException;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.storage.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featureduck serve -f <yaml>}: what a data-plane pod runs, and what a developer runs locally. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the feature views of a FeatureStore YAML file over HTTP.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, required = true, description = "YAML file with one FeatureStore and its FeatureViews")
    Path file;

    @Option(names = "--port", defaultValue = "8000", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Interface to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--reload-interval", defaultValue = "2s",
            description = "How often the file is checked for changed views, e.g. 2s; 0 turns reloading off (default: ${DEFAULT-VALUE})")
    String reloadInterval;

    @Option(names = "--lakehouse-root",
            description = "Read the store's tables from this directory instead of spec.lakehouse.root, e.g. to serve "
                    + "a pod's configuration outside the cluster from a copy of its lakehouse volume")
    Path lakehouseRoot;

    @Option(names = "--file-cache-dir",
            description = "Where data files fetched from object stores are kept (default: a private temporary directory)")
    Path fileCacheDirectory;

    @Option(names = "--file-cache-size", defaultValue = "10Gi",
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
        DataPlaneConfig settings = DataPlaneConfig.of(config).address(host, port).configReloadInterval(interval)
                .fileCache(fileCacheDirectory, StorageSettings.parseSize(fileCacheSize)).build();
        DataPlane dataPlane = DataPlane.start(config, settings);
        dataPlane.watch(file, loader());
        System.out.println("FeatureDuck serving " + config.views().size() + " feature views of store '"
                + config.store().name() + "' on http://" + host + ":" + dataPlane.port());
        awaitShutdown(dataPlane, new CountDownLatch(1));
        return 0;
    }

    private ServingConfigLoader loader() {
        return lakehouseRoot == null ? new ServingConfigLoader() : new ServingConfigLoader().withLakehouseRoot(lakehouseRoot);
    }

    /** Serves until the JVM is asked to stop (Ctrl-C, SIGTERM from the kubelet) or {@code stop} is counted down. */
    static void awaitShutdown(DataPlane dataPlane, CountDownLatch stop) throws InterruptedException {
        Thread hook = new Thread(() -> {
            dataPlane.close();
            stop.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        dataPlane.close();
    }
}
