package io.featureduck.dataplane.duckdb;

import io.featureduck.dataplane.config.DataPlaneConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How each DuckDB database the data plane opens is sized: the DuckDB part of {@link DataPlaneConfig}.
 *
 * @param threads       worker threads per query
 * @param memoryLimit   DuckDB memory limit such as {@code 2GB}; empty keeps DuckDB's default (80% of the host)
 * @param tempDirectory where DuckDB may spill
 */
public record DuckDbSettings(int threads, Optional<String> memoryLimit, Path tempDirectory) {
    public static DuckDbSettings of(DataPlaneConfig config) {
        return new DuckDbSettings(config.duckDbThreads(), config.duckDbMemoryLimit(), config.duckDbTempDirectory());
    }

    public static DuckDbSettings defaults() {
        return of(DataPlaneConfig.defaults());
    }
}
