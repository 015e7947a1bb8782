package io.featureduck.dataplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code featureduck} command. */
@Command(name = "featureduck", mixinStandardHelpOptions = true, version = "featureduck 0.1.0",
        description = "Feature store served straight from the lakehouse.",
        subcommands = {ServeCommand.class, DemoCommand.class, HistoricalCommand.class, ParityCommand.class,
                CommandLine.HelpCommand.class})
public final class FeatureDuckCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new FeatureDuckCli()).execute(args));
    }
}
