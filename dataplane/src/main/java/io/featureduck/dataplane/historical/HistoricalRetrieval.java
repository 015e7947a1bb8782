package io.featureduck.dataplane.historical;

import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.ArrowRows;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.duckdb.EntitySelection;
import io.featureduck.dataplane.duckdb.EventRange;
import io.featureduck.dataplane.duckdb.OutputFormat;
import io.featureduck.dataplane.duckdb.PointInTimeQuery;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import io.featureduck.dataplane.duckdb.SparkPointInTimeQuery;
import io.featureduck.dataplane.duckdb.TablePull;
import io.featureduck.dataplane.duckdb.ViewProjection;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.ondemand.OnDemandLimits;
import io.featureduck.dataplane.source.LocalSnapshot;
import io.featureduck.dataplane.source.TableSnapshot;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.featureduck.dataplane.storage.DataFileCache;
import io.featureduck.spark.RetrievalPlan;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point-in-time correct training data (semantics: {@link PointInTimeQuery}, {@code docs/POINT_IN_TIME.md}): resolves
 * the requested features against the served configuration, reads the versions each view needs through its table
 * format, hands DuckDB local copies of their files and runs the join. The online index is built from the same
 * definitions, so online and historical values cannot be computed differently.
 */
public final class HistoricalRetrieval {
    private static final Logger LOG = LoggerFactory.getLogger(HistoricalRetrieval.class);
    private static final String PULL_SOURCE = "pulled";

    private final Supplier<ServingConfig> config;
    private final TableSourceFactory sources;
    private final DuckDbSettings settings;
    private final DataFileCache files;
    private final Executor metadata;
    private final OnDemandLimits onDemand;

    /** Retrieval over tables on local disk, reading table metadata on the common pool. */
    public HistoricalRetrieval(ServingConfig config, TableSourceFactory sources, DuckDbSettings settings) {
        this(
                () -> config,
                sources,
                settings,
                DataFileCache.localOnly(),
                ForkJoinPool.commonPool(),
                OnDemandLimits.defaults());
    }

    /**
     * Answers from whatever configuration {@code config} holds at each request, so reloaded views are used;
     * object-store files are read through local copies in {@code files}, and table metadata is read on
     * {@code metadata} while DuckDB starts.
     */
    public HistoricalRetrieval(
            Supplier<ServingConfig> config,
            TableSourceFactory sources,
            DuckDbSettings settings,
            DataFileCache files,
            Executor metadata,
            OnDemandLimits onDemand) {
        this.onDemand = onDemand;
        this.config = config;
        this.sources = sources;
        this.settings = settings;
        this.files = files;
        this.metadata = metadata;
    }

    /** How much evaluation one entity row's on-demand features may take. */
    public OnDemandLimits onDemandLimits() {
        return onDemand;
    }

    /**
     * Runs the join and hands the open result to {@code consumer}, rows in entity-row order.
     *
     * @throws FeatureDuckException for requests that name unknown views or features, or lack columns, and for
     *                              tables that cannot be read or do not match their views
     */
    public void retrieve(
            EntitySelection entityRows,
            List<FeatureRef> refs,
            boolean fullNames,
            PointInTimeQuery.ResultConsumer consumer) {
        run(entityRows, refs, fullNames, List.of(), query -> query.stream(consumer));
    }

    /**
     * Writes the result to {@code out} in {@code format} without holding it in memory: DuckDB streams it to disk.
     * {@code running} receives the statement so that a caller can cancel it, as when an HTTP client goes away.
     */
    public void export(
            EntitySelection entityRows,
            List<FeatureRef> refs,
            boolean fullNames,
            OutputFormat format,
            Path out,
            Consumer<Statement> running) {
        run(
                entityRows,
                refs,
                fullNames,
                List.of(out.toAbsolutePath().getParent()),
                query -> query.export(format, out, running));
    }

    /**
     * Entity rows that arrive as Arrow batches (Feast's offline store protocol), written to Parquet in
     * {@code directory} as they are read, for {@link #retrieve} to read like any uploaded file.
     */
    public EntityRows entityRows(BufferAllocator allocator, ArrowReader rows, Path directory) {
        try (DuckDbSession session = DuckDbSession.open(settings, List.of(directory))) {
            return ArrowRows.toParquet(session, allocator, rows, directory.resolve("entities.parquet"));
        }
    }

    /**
     * Runs {@code pull} over its view's latest table version and hands the open result to {@code consumer}.
     *
     * @param view the served view the pull reads, as its caller resolved it ({@link #servedView})
     */
    public void pull(TablePull pull, PointInTimeQuery.ResultConsumer consumer) {
        ViewDefinition view = pull.view();
        TableSnapshot latest = sources.forView(view).latestSnapshot();
        List<Path> readable = new ArrayList<>(view.location().readableRoots());
        readable.add(files.directory());
        try (DuckDbSession session = DuckDbSession.open(settings, readable)) {
            PointInTimeQuery.Version version = local(session, latest);
            new SnapshotRelation(version.local()).register(session, PULL_SOURCE);
            ViewProjection projection = ViewProjection.check(view, latest, session, PULL_SOURCE);
            try (Statement statement = session.connection().createStatement();
                    ResultSet rows = statement.executeQuery(pull.sql(projection, PULL_SOURCE))) {
                consumer.accept(rows);
            }
        } catch (FeatureDuckException e) {
            throw FeatureDuckException.inView(view.name(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("pulling rows of view '" + view.name() + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * The served view {@code name}.
     *
     * @throws FeatureDuckException {@code UNKNOWN_FEATURE_VIEW} or {@code VIEW_REFUSED}
     */
    public ViewDefinition servedView(String name) {
        ServingConfig current = config.get();
        return current.view(name)
                .orElseThrow(() -> ServingConfig.notServed(
                        name, Optional.ofNullable(current.refused().get(name))));
    }

    private interface Execution {
        void run(PointInTimeQuery query) throws Exception;
    }

    private void run(
            EntitySelection entityRows,
            List<FeatureRef> refs,
            boolean fullNames,
            List<Path> writable,
            Execution execution) {
        Map<ViewDefinition, List<String>> features = resolve(refs, fullNames);
        // Table metadata is read while DuckDB starts and reads the entity rows: both take about a second when cold.
        Map<ViewDefinition, CompletableFuture<TableSnapshot>> latest = new HashMap<>();
        for (ViewDefinition view : features.keySet()) {
            if (!view.isSnapshot()) {
                latest.put(
                        view,
                        CompletableFuture.supplyAsync(
                                () -> sources.forView(view).latestSnapshot(), metadata));
            }
        }
        List<Path> readable = new ArrayList<>();
        if (entityRows instanceof EntityRows file) {
            readable.add(file.file().getParent());
        }
        readable.addAll(writable);
        features.keySet().forEach(v -> readable.addAll(v.location().readableRoots()));
        readable.add(files.directory());
        long start = System.nanoTime();
        try (DuckDbSession session = DuckDbSession.open(settings, readable)) {
            PointInTimeQuery query = new PointInTimeQuery(session, fullNames, onDemand);
            Map<ViewDefinition, PointInTimeQuery.Version> versions = new LinkedHashMap<>();
            if (entityRows instanceof EntityRows file) {
                query.loadEntityRows(file, features.keySet());
            } else {
                for (ViewDefinition view : latest.keySet()) {
                    versions.put(view, local(session, join(latest.get(view))));
                }
                query.loadEventRows((EventRange) entityRows, List.copyOf(features.keySet()), versions);
            }
            long planned = System.nanoTime();
            for (Map.Entry<ViewDefinition, List<String>> entry : features.entrySet()) {
                ViewDefinition view = entry.getKey();
                try {
                    if (view.isSnapshot()) {
                        query.addSnapshotView(view, entry.getValue(), versions(session, query, view));
                    } else {
                        PointInTimeQuery.Version version = versions.get(view);
                        query.addEventView(
                                view,
                                entry.getValue(),
                                version != null ? version : local(session, join(latest.get(view))));
                    }
                } catch (FeatureDuckException e) {
                    throw FeatureDuckException.inView(view.name(), e);
                }
            }
            long prepared = System.nanoTime();
            LOG.debug("historical query: {}", query.sql());
            try {
                execution.run(query);
            } catch (SQLException e) {
                throw query.onDemandFailure().orElseThrow(() -> e);
            }
            LOG.debug(
                    "historical retrieval: {} ms to open DuckDB and read entity rows, {} ms to prepare views, "
                            + "{} ms to run",
                    (planned - start) / 1_000_000,
                    (prepared - planned) / 1_000_000,
                    (System.nanoTime() - prepared) / 1_000_000);
        } catch (FeatureDuckException e) {
            throw e;
        } catch (SQLException e) {
            throw new IllegalStateException("historical retrieval failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("historical retrieval failed: " + e.getMessage(), e);
        }
    }

    private static TableSnapshot join(CompletableFuture<TableSnapshot> snapshot) {
        try {
            return snapshot.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** {@code snapshot} with local files, pinned for as long as the session reads them. */
    private PointInTimeQuery.Version local(DuckDbSession session, TableSnapshot snapshot) {
        LocalSnapshot local = LocalSnapshot.of(snapshot, files);
        session.closeWith(local);
        return new PointInTimeQuery.Version(snapshot, local.snapshot());
    }

    /** Every version of a snapshot view's table current at some entity row's time, read through time travel. */
    private List<PointInTimeQuery.Version> versions(DuckDbSession session, PointInTimeQuery query, ViewDefinition view)
            throws SQLException {
        TableSource source = sources.forView(view);
        PointInTimeQuery.TimeRange range = query.timeRange();
        List<PointInTimeQuery.Version> versions = new ArrayList<>();
        for (long version : source.versionsBetween(range.first(), range.last())) {
            versions.add(local(session, source.snapshotAt(version)));
        }
        return versions;
    }

    /**
     * The Spark job's plan for the same retrieval ({@code docs/SPARK.md}): every table version pinned as read now, the
     * entity rows read by the job from {@code rows}. A snapshot view's versions are all those the table keeps, as the
     * data plane does not read the rows' times.
     *
     * @throws FeatureDuckException as {@link #retrieve}, and {@link ErrorCode#NOT_ON_SPARK} for what the job does not
     *                              compute
     */
    public RetrievalPlan sparkPlan(
            RetrievalPlan.Entities rows, List<FeatureRef> refs, boolean fullNames, RetrievalPlan.Output output) {
        return spark(refs, fullNames, Instant.EPOCH, Instant.now()).plan(rows, output);
    }

    /** The Spark job's plan for a retrieval over the events in {@code range}. */
    public RetrievalPlan sparkPlan(
            EventRange range, List<FeatureRef> refs, boolean fullNames, RetrievalPlan.Output output) {
        return spark(refs, fullNames, range.start(), range.end()).plan(range, output);
    }

    private SparkPointInTimeQuery spark(List<FeatureRef> refs, boolean fullNames, Instant from, Instant to) {
        SparkPointInTimeQuery query = new SparkPointInTimeQuery(fullNames);
        for (Map.Entry<ViewDefinition, List<String>> entry :
                resolve(refs, fullNames).entrySet()) {
            ViewDefinition view = entry.getKey();
            try {
                TableSource source = sources.forView(view);
                if (view.isSnapshot()) {
                    List<SparkPointInTimeQuery.PinnedVersion> versions = new ArrayList<>();
                    for (long version : source.versionsBetween(from, to)) {
                        TableSnapshot snapshot = source.snapshotAt(version);
                        versions.add(new SparkPointInTimeQuery.PinnedVersion(snapshot, pin(view, source, snapshot)));
                    }
                    query.addSnapshotView(view, entry.getValue(), versions);
                } else {
                    TableSnapshot latest = source.latestSnapshot();
                    query.addEventView(view, entry.getValue(), latest, pin(view, source, latest));
                }
            } catch (FeatureDuckException e) {
                throw FeatureDuckException.inView(view.name(), e);
            }
        }
        return query;
    }

    /**
     * How Spark reads {@code snapshot} of {@code view}'s table: its format's reader at the format's own name for the
     * version. Only what Spark can find by the location alone: no DuckDB files, catalogs or rewritten paths.
     */
    private static SparkPointInTimeQuery.Pin pin(ViewDefinition view, TableSource source, TableSnapshot snapshot) {
        RetrievalPlan.TableFormat format = switch (view.format()) {
            case DELTA -> RetrievalPlan.TableFormat.DELTA;
            case ICEBERG -> RetrievalPlan.TableFormat.ICEBERG;
            case HUDI -> RetrievalPlan.TableFormat.HUDI;
            case PARQUET -> RetrievalPlan.TableFormat.PARQUET;
            case DUCKDB ->
                throw new FeatureDuckException(
                        ErrorCode.NOT_ON_SPARK, "its table is in a DuckDB file, which only the data plane reads");
        };
        if (view.location().catalog() != null || !view.location().rewrites().isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.NOT_ON_SPARK,
                    "its table is named through " + (view.location().catalog() != null ? "a catalog" : "path rewrites")
                            + ", which the Spark job does not resolve; it reads tables by location");
        }
        String version = format == RetrievalPlan.TableFormat.PARQUET ? null : source.formatVersion(snapshot);
        return new SparkPointInTimeQuery.Pin(format, view.location().uri(), version);
    }

    /**
     * The features of feature service {@code name}.
     *
     * @throws FeatureDuckException {@code UNKNOWN_FEATURE_SERVICE} or {@code FEATURE_SERVICE_REFUSED}
     */
    public List<FeatureRef> featureService(String name) {
        return config.get()
                .servedService(name)
                .orElseThrow(() -> new FeatureDuckException(
                        ErrorCode.UNKNOWN_FEATURE_SERVICE,
                        "feature service '" + name + "' is not served here; GET /v1/feature-services lists them"))
                .features();
    }

    /** The features asked of each view, by name (stored and on-demand), in request order. */
    private Map<ViewDefinition, List<String>> resolve(List<FeatureRef> refs, boolean fullNames) {
        if (refs.isEmpty()) {
            throw new FeatureDuckException(ErrorCode.MISSING_FIELD, "name at least one feature as view:feature");
        }
        ServingConfig current = config.get();
        Map<ViewDefinition, List<String>> features = new LinkedHashMap<>();
        Set<String> outputs = new HashSet<>();
        for (FeatureRef ref : refs) {
            ViewDefinition view = current.view(ref.view())
                    .orElseThrow(() -> ServingConfig.notServed(
                            ref.view(), Optional.ofNullable(current.refused().get(ref.view()))));
            if (!view.servedFeatureNames().contains(ref.feature())) {
                throw new FeatureDuckException(
                        ErrorCode.UNKNOWN_FEATURE,
                        "feature view '" + view.name() + "' has no feature '" + ref.feature() + "'; it has "
                                + view.servedFeatureNames());
            }
            if (!outputs.add(ref.outputName(fullNames))) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_FEATURE_REF,
                        "two features would both be named '" + ref.outputName(fullNames)
                                + "'; request full feature names");
            }
            features.computeIfAbsent(view, v -> new ArrayList<>()).add(ref.feature());
        }
        return features;
    }
}
