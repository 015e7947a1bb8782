package io.featureduck.dataplane.cli;

import io.featureduck.dataplane.config.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code featureduck} command. */
@Command(
        name = "featureduck",
        mixinStandardHelpOptions = true,
        version = "featureduck " + Version.CURRENT,
        description = "Feature store served straight from the lakehouse.",
        subcommands = {
            ServeCommand.class,
            CheckCommand.class,
            DemoCommand.class,
            HistoricalCommand.class,
            SparkPlanCommand.class,
            ParityCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FeatureDuckCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a failure prints its message, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new FeatureDuckCli()).setExecutionExceptionHandler((failure, command, parsed) -> {
            command.getErr().println("featureduck " + command.getCommandName() + ": " + failure.getMessage());
            return 1;
        });
    }
}
