package io.featureduck.dataplane.serving;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.source.DeltaTableSource;
import io.featureduck.dataplane.source.DuckDbTableSource;
import io.featureduck.dataplane.source.IcebergTableSource;
import io.featureduck.dataplane.source.ParquetTableSource;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceException;
import org.apache.hadoop.conf.Configuration;

/** Picks the reader for a view's table format. One Delta Kernel engine is shared: it is thread-safe and costly. */
public final class TableSourceFactory {
    private final Configuration hadoop = hadoopConfiguration();
    private final Engine deltaEngine = DefaultEngine.create(hadoop);

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

    public TableSource forView(ViewDefinition view) {
        return switch (view.format()) {
            case DELTA -> new DeltaTableSource(deltaEngine, view.location());
            case ICEBERG -> new IcebergTableSource(view.location(), hadoop);
            case HUDI -> throw new TableSourceException("FeatureView '" + view.name() + "': Hudi tables cannot be "
                    + "served: FeatureDuck has no Hudi reader (no maintained Java library for the timeline without "
                    + "Spark could be used); see docs/TABLE_FORMATS.md");
            case PARQUET -> new ParquetTableSource(view.location(), hadoop);
            case DUCKDB -> new DuckDbTableSource(view.location());
        };
    }
}
