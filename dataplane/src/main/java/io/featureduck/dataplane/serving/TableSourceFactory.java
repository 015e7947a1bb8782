package io.featureduck.dataplane.serving;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.source.DeltaTableSource;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceException;
import org.apache.hadoop.conf.Configuration;

/** Picks the reader for a view's table format. One Delta Kernel engine is shared: it is thread-safe and costly. */
public final class TableSourceFactory {
    private final Engine deltaEngine = DefaultEngine.create(new Configuration());

    public TableSource forView(ViewDefinition view) {
        return switch (view.format()) {
            case DELTA -> new DeltaTableSource(deltaEngine, view.location().path());
            case ICEBERG, PARQUET, DUCKDB, HUDI -> throw new TableSourceException("FeatureView '" + view.name()
                    + "': format '" + view.format().wireName() + "' is not served yet; this data plane reads delta");
        };
    }
}
