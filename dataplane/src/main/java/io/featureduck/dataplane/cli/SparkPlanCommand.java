package io.featureduck.dataplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.DataPlaneComponents;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.spark.RetrievalPlan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code featureduck spark-plan}: the Spark job's plan for a retrieval ({@code docs/SPARK.md}), for running it with
 * {@code spark-submit} outside the operator. The same plan the operator asks the data plane for.
 */
@Command(
        name = "spark-plan",
        mixinStandardHelpOptions = true,
        description = "Write the Spark job's plan for a point-in-time retrieval: every table version pinned as now.")
final class SparkPlanCommand implements Callable<Integer> {
    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML file with one FeatureStore and its FeatureViews")
    Path file;

    /** Entity rows the job reads, or a time range. */
    static final class Entities {
        @Option(names = "--entities", description = "Entity table the job reads: a path or URI (s3://, gs://, ...)")
        String uri;

        @ArgGroup(exclusive = false)
        HistoricalCommand.Range range;
    }

    @ArgGroup(multiplicity = "1")
    Entities entities;

    @Option(
            names = "--entities-format",
            defaultValue = "PARQUET",
            description = "Format of the entity table: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    RetrievalPlan.EntityFormat entitiesFormat;

    @Option(
            names = "--features",
            required = true,
            split = ",",
            description = "Features as view:feature, comma-separated")
    List<String> features;

    @Option(names = "--out", required = true, description = "Where the job writes the result: a path or URI")
    String out;

    @Option(
            names = "--out-format",
            defaultValue = "PARQUET",
            description = "Format of the result: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    RetrievalPlan.OutputFormat outFormat;

    @Option(names = "--full-feature-names", description = "Name columns view__feature instead of feature")
    boolean fullFeatureNames;

    @Option(names = "--plan", description = "File to write the plan to (default: standard output)")
    Path plan;

    @Override
    public Integer call() throws Exception {
        ServingConfig config = new ServingConfigLoader().load(file);
        List<FeatureRef> refs = features.stream().map(FeatureRef::parse).toList();
        RetrievalPlan.Output output = new RetrievalPlan.Output(out, outFormat);
        RetrievalPlan result;
        try (DataPlaneComponents components = DataPlaneComponents.open(
                config, DataPlaneConfig.of(config).withoutApi().build(), new SimpleMeterRegistry())) {
            HistoricalRetrieval retrieval = components.historical(() -> config);
            result = entities.uri != null
                    ? retrieval.sparkPlan(
                            new RetrievalPlan.Entities(entities.uri, entitiesFormat, null),
                            refs,
                            fullFeatureNames,
                            output)
                    : retrieval.sparkPlan(entities.range.toRange(), refs, fullFeatureNames, output);
        }
        String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result);
        if (plan == null) {
            System.out.println(json);
        } else {
            Files.writeString(plan, json);
        }
        return 0;
    }
}
