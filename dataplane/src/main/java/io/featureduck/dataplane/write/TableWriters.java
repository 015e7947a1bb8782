package io.featureduck.dataplane.write;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.crds.TableFormat;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.source.TableSource;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The writer for a view's table, by its format. Writers write only below the table's own directory: the DuckDB
 * session each one gets may touch nothing else.
 */
final class TableWriters {
    /** Commits tried before a push is answered {@code WRITE_FAILED}; each format's library retries inside too. */
    static final int MAX_COMMIT_ATTEMPTS = 10;

    private final Configuration hadoop = TableSourceFactory.hadoopConfiguration();
    private final Engine deltaEngine = DefaultEngine.create(hadoop);
    private final DuckDbSettings duckDb;

    TableWriters(DuckDbSettings duckDb) {
        this.duckDb = duckDb;
    }

    /** A writer and the DuckDB session it writes with; closing it closes the session. */
    record Opened(TableWriter writer, DuckDbSession session) implements AutoCloseable {
        @Override
        public void close() {
            session.close();
        }
    }

    Opened open(ViewDefinition view, TableSource source) {
        // Admission (StoreAdmission) gives pushes only to views of formats that take them, on the store's volume.
        if (view.location().isObjectStore() || !view.format().can(TableFormat.Capability.PUSHES)) {
            throw new IllegalStateException(
                    "FeatureView '" + view.name() + "' was admitted with pushes it cannot take");
        }
        Path table = view.location().path();
        DuckDbSession session = DuckDbSession.open(duckDb, List.of(table));
        DataFileWriter files = new DataFileWriter(session);
        TableWriter writer = switch (view.format()) {
            case DELTA -> new DeltaWriter(view.name(), deltaEngine, table, files, MAX_COMMIT_ATTEMPTS);
            case ICEBERG -> new IcebergWriter(view.name(), table, hadoop, files, MAX_COMMIT_ATTEMPTS);
            case PARQUET -> new ParquetDirectoryWriter(view.name(), table, source, files);
            case HUDI, DUCKDB -> throw new IllegalStateException("unreachable: " + view.format() + " takes no pushes");
        };
        return new Opened(writer, session);
    }
}
