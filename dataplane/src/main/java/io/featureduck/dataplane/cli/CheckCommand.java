package io.featureduck.dataplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featureduck.dataplane.config.FeatureServiceDefinition;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code featureduck check}: what {@code serve} would make of a serving file, without opening a table: which views it
 * serves, which it refuses and why, as JSON. The admission is the operator's, so a file that passes here is accepted
 * in a cluster too (paths checked against the lakehouse as this machine sees it).
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Admit a serving file as serve would, and print each view's decision as JSON.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:every view is served",
            "1:the file cannot be served at all",
            "3:some views are refused (the others would serve)"
        })
final class CheckCommand implements Callable<Integer> {
    static final int SOME_REFUSED = 3;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML file with one FeatureStore, its FeatureViews and FeatureServices")
    Path file;

    @Option(
            names = "--lakehouse-root",
            description = "Read the store's tables from this directory instead of spec.lakehouse.root")
    Path lakehouseRoot;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        ServingConfigLoader loader = lakehouseRoot == null
                ? new ServingConfigLoader()
                : new ServingConfigLoader().withLakehouseRoot(lakehouseRoot);
        ServingConfig config = loader.load(file);
        ObjectNode report = JSON.createObjectNode().put("store", config.store().name());
        ObjectNode views = report.putObject("views");
        for (ViewDefinition view : config.views()) {
            ObjectNode decision = views.putObject(view.name()).put("accepted", true);
            view.push()
                    .flatMap(ViewDefinition.PushSettings::refused)
                    .ifPresent(reason -> decision.put("pushes_refused", reason));
        }
        config.refused()
                .forEach((name, reason) ->
                        views.putObject(name).put("accepted", false).put("reason", reason));
        config.services().stream().map(FeatureServiceDefinition::name).forEach(report.putArray("services")::add);
        out.println(JSON.writeValueAsString(report));
        return config.refused().isEmpty() ? 0 : SOME_REFUSED;
    }
}
