package io.featureduck.dataplane.cli;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.demo.DemoRequests;
import io.featureduck.dataplane.demo.FeastRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featureduck demo}: writes a sample lakehouse, serves it, and shows how to query it. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Write a sample Delta Lake lakehouse and serve its feature views over HTTP.")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--dir",
            defaultValue = "featureduck-demo",
            description = "Where to write the lakehouse (default: ${DEFAULT-VALUE})")
    Path directory;

    @Option(
            names = "--port",
            defaultValue = "" + DataPlaneSpec.DEFAULT_HTTP_PORT,
            description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--drivers", defaultValue = "5000", description = "Number of drivers (default: ${DEFAULT-VALUE})")
    int drivers;

    @Option(
            names = "--days",
            defaultValue = "4",
            description = "Days of hourly history, one table version each (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--exit-when-ready", description = "Load, print the examples and exit instead of serving")
    boolean exitWhenReady;

    @Option(
            names = "--write-only",
            description = "Write the lakehouse and its serving configuration, then exit "
                    + "(to fill a volume that a data plane serves)")
    boolean writeOnly;

    /** Counted down to stop serving; the shutdown hook does the same on Ctrl-C. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (days < 4) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--days must be at least 4 so that the demo shows values outside the 48h TTL");
        }
        System.out.println("Writing the demo lakehouse (" + drivers + " drivers, " + days + " days of hourly stats) to "
                + directory.toAbsolutePath().normalize() + " ...");
        Path configFile = new DemoLakehouse(drivers, days).write(directory, Instant.now());
        if (writeOnly) {
            System.out.println("Wrote " + configFile + " and the tables it names.");
            return 0;
        }
        ServingConfig config = new ServingConfigLoader().load(configFile);
        DataPlane dataPlane = DataPlane.start(
                config,
                DataPlaneConfig.of(config)
                        .address(DataPlaneConfig.LOCAL_HOST, port)
                        .build());
        dataPlane.initialLoad().join();
        dataPlane
                .registry()
                .views()
                .forEach(v -> System.out.println("  " + v.name() + ": " + v.state()
                        + v.index()
                                .map(i -> ", table version " + i.tableVersion() + ", " + i.size() + " entities")
                                .orElse("")
                        + v.lastError().map(e -> ", error: " + e).orElse("")));
        String base = "http://127.0.0.1:" + dataPlane.port();
        System.out.println();
        System.out.println(
                "FeatureDuck is serving " + configFile + " on " + base + ", Feast's gRPC API and registry on "
                        + "port " + dataPlane.grpcPort() + " and Feast's offline store (Arrow Flight) on port "
                        + dataPlane.offlinePort() + ". Try:");
        for (DemoRequests.Example example : DemoRequests.examples()) {
            System.out.println();
            System.out.println("# " + example.title());
            System.out.println(example.curl(base));
        }
        Path feast = FeastRepository.write(
                directory.resolve("feast"),
                config.store().name(),
                "127.0.0.1",
                dataPlane.port(),
                dataPlane.grpcPort(),
                dataPlane.offlinePort());
        System.out.println();
        System.out.println("# Feast's Python SDK, unchanged (pip install 'feast[grpcio]==0.67.0'): " + feast
                + " names FeatureDuck as Feast's registry, online store and offline store (docs/FEAST.md)");
        System.out.println("cd " + feast.getParent() + " && feast feature-views list && feast feature-services list");
        System.out.println("python3 -c 'import pandas as pd; from feast import FeatureStore; s = FeatureStore(\".\"); "
                + "print(s.get_online_features(features=s.get_feature_service(\"driver-activity\"), "
                + "entity_rows=[{\"driver_id\": 1006}]).to_dict()); "
                + "print(s.get_historical_features(entity_df=pd.DataFrame({\"driver_id\": [1006, 1007], "
                + "\"event_timestamp\": [pd.Timestamp.now(tz=\"UTC\")] * 2}), "
                + "features=[\"driver-stats:conv_rate\", \"driver-profile:vehicle_type\"]).to_df())'");
        System.out.println();
        System.out.println("Serve it again later with: featureduck serve -f " + configFile + "   (Ctrl-C stops)");
        if (exitWhenReady) {
            dataPlane.close();
            return 0;
        }
        ServeCommand.awaitShutdown(dataPlane, stop);
        return 0;
    }
}
