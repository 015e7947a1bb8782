package io.featureduck.dataplane.cli;

import io.featureduck.dataplane.DataPlaneComponents;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.parity.ParityCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featureduck parity}: proves online and historical answers agree, or lists the entities where they do not. */
@Command(
        name = "parity",
        mixinStandardHelpOptions = true,
        description = "Check that online lookups equal point-in-time retrieval as of the index's load time.")
final class ParityCommand implements Callable<Integer> {
    private static final int SHOWN = 20;

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML file with one FeatureStore and its FeatureViews")
    Path file;

    @Option(
            names = "--sample",
            defaultValue = "0",
            description = "Check this many random entities per view; 0 checks all (default: ${DEFAULT-VALUE})")
    int sample;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        DuckDbSession.preloadInBackground();
        ServingConfig config = new ServingConfigLoader().load(file);
        DataPlaneComponents components = DataPlaneComponents.open(
                config, DataPlaneConfig.of(config).withoutApi().build(), new SimpleMeterRegistry());
        OnlineIndexLoader loader = components.loader();
        ParityCheck parity = new ParityCheck(components.historical(() -> config));
        Path work = Files.createTempDirectory("featureduck-parity");
        boolean passed = true;
        try {
            for (ViewDefinition view : config.views()) {
                if (!view.online()) {
                    out.println(view.name() + ": skipped (not online)");
                    continue;
                }
                OnlineIndex index = loader.load(view, components.sources().forView(view));
                ParityCheck.Report report = parity.check(index, sample, work);
                if (report.passed()) {
                    out.println(view.name() + ": OK, " + report.entitiesChecked() + " entities agree (table version "
                            + index.tableVersion() + ", as of " + index.loadedAt() + ")");
                } else {
                    passed = false;
                    out.println(view.name() + ": " + report.differences().size() + " differences in "
                            + report.entitiesChecked() + " entities:");
                    report.differences().stream().limit(SHOWN).forEach(d -> out.println("  " + d));
                    if (report.differences().size() > SHOWN) {
                        out.println("  ... and " + (report.differences().size() - SHOWN) + " more");
                    }
                }
            }
        } finally {
            components.close();
            try (var paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return passed ? 0 : 1;
    }
}
