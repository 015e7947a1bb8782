package io.featureduck.dataplane.duckdb;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How each DuckDB database the data plane opens is sized.
 *
 * @param threads       worker threads per query
 * @param memoryLimit   DuckDB memory limit such as {@code 2GB}; empty keeps DuckDB's default (80% of the host)
 * @param tempDirectory where DuckDB may spill
 */
public record DuckDbSettings(int threads, Optional<String> memoryLimit, Path tempDirectory) {
    public static DuckDbSettings defaults() {
        return new DuckDbSettings(Runtime.getRuntime().availableProcessors(), Optional.empty(),
                Path.of(System.getProperty("java.io.tmpdir"), "featureduck-duckdb"));
    }
}
