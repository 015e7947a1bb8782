package io.featureduck.dataplane.cli;

import io.featureduck.dataplane.DataPlaneComponents;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.EventRange;
import io.featureduck.dataplane.duckdb.OutputFormat;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.duckdb.DuckDBPreparedStatement;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featureduck historical}: the HTTP API's point-in-time join, run locally on files. */
@Command(
        name = "historical",
        mixinStandardHelpOptions = true,
        description = "Build a point-in-time correct training set from entity rows (CSV, Parquet or NDJSON).")
final class HistoricalCommand implements Callable<Integer> {
    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML file with one FeatureStore and its FeatureViews")
    Path file;

    /** Entity rows from a file, or every entity and event time of the views in a time range. */
    static final class Entities {
        @Option(
                names = "--entities",
                description = "Entity rows: join keys and event_timestamp (.parquet, .csv, or newline-delimited JSON)")
        Path file;

        @ArgGroup(exclusive = false)
        Range range;
    }

    /** Feast's start_date and end_date: the views' events in [start, end) are the entity rows. */
    static final class Range {
        @Option(
                names = "--start",
                required = true,
                description = "Instead of --entities: every key and event time of the views from this time (ISO-8601)")
        Instant start;

        @Option(names = "--end", description = "The end of the time range, exclusive (default: now)")
        Instant end;

        EventRange toRange() {
            return new EventRange(start, end == null ? Instant.now() : end);
        }
    }

    @ArgGroup(multiplicity = "1")
    Entities entities;

    @Option(
            names = "--features",
            required = true,
            split = ",",
            description = "Features as view:feature, comma-separated")
    List<String> features;

    @Option(names = "--out", required = true, description = "Result file: .parquet, .csv, .ndjson or .json")
    Path out;

    @Option(names = "--full-feature-names", description = "Name columns view__feature instead of feature")
    boolean fullFeatureNames;

    @Override
    public Integer call() throws Exception {
        // A one-shot command pays every cold start once: DuckDB's native library and Delta Kernel's engine start
        // while the configuration is read.
        DuckDbSession.preloadInBackground();
        TableSourceFactory.preloadInBackground();
        ServingConfig config = new ServingConfigLoader().load(file);
        List<FeatureRef> refs = features.stream().map(FeatureRef::parse).toList();
        try (DataPlaneComponents components = DataPlaneComponents.open(
                config, DataPlaneConfig.of(config).withoutApi().build(), new SimpleMeterRegistry())) {
            export(components.historical(() -> config), refs);
        }
        return 0;
    }

    private void export(HistoricalRetrieval retrieval, List<FeatureRef> refs) {
        AtomicReference<Statement> running = new AtomicReference<>();
        Thread progress = new Thread(() -> showProgress(running), "progress");
        progress.setDaemon(true);
        long start = System.nanoTime();
        progress.start();
        retrieval.export(
                entities.file != null ? EntityRows.of(entities.file) : entities.range.toRange(),
                refs,
                fullFeatureNames,
                OutputFormat.forFile(out.toString()),
                out.toAbsolutePath(),
                running::set);
        progress.interrupt();
        System.err.printf("\rwrote %s in %.1f s%n", out, (System.nanoTime() - start) / 1e9);
    }

    /** After a second, shows DuckDB's own progress estimate on the terminal, refreshed in place. */
    private static void showProgress(AtomicReference<Statement> running) {
        try {
            Thread.sleep(1000);
            while (!Thread.currentThread().isInterrupted()) {
                Statement statement = running.get();
                if (statement instanceof DuckDBPreparedStatement duck) {
                    double percent = duck.getQueryProgress().getPercentage();
                    if (percent >= 0) {
                        System.err.printf("\rjoining: %5.1f%%", percent);
                    }
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException | SQLException done) {
            // The query finished (or the statement closed): stop reporting.
        }
    }
}
