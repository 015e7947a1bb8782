package io.featureduck.dataplane.source;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.storage.ObjectStores;
import org.apache.hadoop.conf.Configuration;

/**
 * Picks the reader for a view's table format. Every reader reaches local files and object stores through one Hadoop
 * configuration, and one Delta Kernel engine is shared: it is thread-safe and costly.
 */
public final class TableSourceFactory {
    private final Configuration hadoop;
    private final Engine deltaEngine;

    /** Local tables only. */
    public TableSourceFactory() {
        this(null);
    }

    /** Local tables, and tables on the object stores {@code stores} opens. */
    public TableSourceFactory(ObjectStores stores) {
        hadoop = hadoopConfiguration();
        if (stores != null) {
            stores.configure(hadoop);
        }
        deltaEngine = DefaultEngine.create(hadoop);
    }

    /**
     * Hadoop as the table libraries use it for local files. The raw local file system skips Hadoop's {@code .crc}
     * side files: DuckDB reads the data without them, and a table copied or rewritten by another tool can carry stale
     * ones that would fail a read of perfectly good files.
     */
    public static Configuration hadoopConfiguration() {
        Configuration configuration = new Configuration();
        configuration.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        configuration.setBoolean("fs.file.impl.disable.cache", true);
        return configuration;
    }

    /**
     * Loads the Hadoop and Delta Kernel classes on a background thread, so that a short-lived command overlaps
     * their start-up (about half a second) with reading its configuration.
     */
    public static void preloadInBackground() {
        Thread loader = new Thread(TableSourceFactory::new, "table-readers-preload");
        loader.setDaemon(true);
        loader.start();
    }

    /** The view's table as the view sees it: the latest version, or the one its pin names. */
    public TableSource forView(ViewDefinition view) {
        TableSource table = tableOf(view);
        return view.pin()
                .<TableSource>map(pin -> new PinnedTableSource(table, pin))
                .orElse(table);
    }

    private TableSource tableOf(ViewDefinition view) {
        return switch (view.format()) {
            case DELTA -> new DeltaTableSource(deltaEngine, view.location());
            case ICEBERG -> new IcebergTableSource(view.location(), hadoop);
            case HUDI -> new HudiTableSource(view.location(), hadoop);
            case PARQUET -> new ParquetTableSource(view.location(), hadoop);
            case DUCKDB -> new DuckDbTableSource(view.location());
        };
    }
}
