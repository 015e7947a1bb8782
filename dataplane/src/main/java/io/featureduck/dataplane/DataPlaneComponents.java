package io.featureduck.dataplane;

import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.featureduck.dataplane.source.TableSourceFactory;
import io.featureduck.dataplane.storage.LakehouseStorage;
import io.featureduck.dataplane.storage.StorageSettings;
import io.featureduck.dataplane.write.PushService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The parts every command of the data plane is built from, wired one way: object-store access and the file cache,
 * the table readers, the online loader, historical retrieval, and the threads they run on. It owns every executor
 * and closes them, and the storage, when it is closed; {@code serve}, {@code demo}, {@code historical} and
 * {@code parity} all start from here.
 */
public final class DataPlaneComponents implements AutoCloseable {
    private final DataPlaneConfig config;
    private final Clock clock;
    private final LakehouseStorage storage;
    private final TableSourceFactory sources;
    private final ExecutorService loads;
    private final ExecutorService metadata;

    private DataPlaneComponents(
            DataPlaneConfig config,
            Clock clock,
            LakehouseStorage storage,
            TableSourceFactory sources,
            ExecutorService loads,
            ExecutorService metadata) {
        this.config = config;
        this.clock = clock;
        this.storage = storage;
        this.sources = sources;
        this.loads = loads;
        this.metadata = metadata;
    }

    /** Opens the storage of {@code serving}'s lakehouse and the executors, sized by {@code config}. */
    public static DataPlaneComponents open(ServingConfig serving, DataPlaneConfig config, MeterRegistry meters) {
        LakehouseStorage storage =
                LakehouseStorage.open(serving.store().spec().lakehouse(), StorageSettings.of(config), meters);
        int loaders = Math.max(
                1, Math.min(serving.views().size(), Runtime.getRuntime().availableProcessors()));
        return new DataPlaneComponents(
                config,
                Clock.systemUTC(),
                storage,
                new TableSourceFactory(storage.stores()),
                Executors.newFixedThreadPool(loaders, daemons("view-loader")),
                Executors.newCachedThreadPool(daemons("table-metadata")));
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public DataPlaneConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public TableSourceFactory sources() {
        return sources;
    }

    /** Where view loads and refreshes run: never the HTTP event loop. */
    public ExecutorService loadExecutor() {
        return loads;
    }

    public OnlineIndexLoader loader() {
        return new OnlineIndexLoader(
                DuckDbSettings.of(config),
                clock,
                storage.files(),
                config.sharding().scope());
    }

    /** Historical retrieval over whatever configuration {@code serving} holds at each request. */
    public HistoricalRetrieval historical(Supplier<ServingConfig> serving) {
        return new HistoricalRetrieval(
                serving, sources, DuckDbSettings.of(config), storage.files(), metadata, config.onDemand());
    }

    /** Writes pushes to the tables of {@code registry}'s views and serves them there, telling {@code listener}. */
    public PushService pushes(ViewRegistry registry, PushService.Listener listener) {
        return new PushService(registry, sources, DuckDbSettings.of(config), clock, listener);
    }

    @Override
    public void close() {
        loads.shutdownNow();
        metadata.shutdownNow();
        try {
            // A refresh still running would otherwise find its object stores closed and report that as a failure.
            loads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.close();
    }
}
