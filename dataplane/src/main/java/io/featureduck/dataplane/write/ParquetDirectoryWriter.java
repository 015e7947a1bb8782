package io.featureduck.dataplane.write;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.source.TableSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Appends to a directory of plain Parquet files: each push adds a file (one per Hive partition, under
 * {@code column=value/}, named as Spark and Hive name them), moved into place whole. A plain directory has no commit
 * log, so the new version is the one the directory lists next, and nothing but the rename makes it atomic.
 */
final class ParquetDirectoryWriter implements TableWriter {
    private final String view;
    private final Path directory;
    private final TableSource source;
    private final DataFileWriter files;

    ParquetDirectoryWriter(String view, Path directory, TableSource source, DataFileWriter files) {
        this.view = view;
        this.directory = directory;
        this.source = source;
        this.files = files;
    }

    /** A plain directory records partition values only in directory names: each must read back as pushed. */
    @Override
    public void check(PushedRows rows) {
        HivePartitionDirectory.check(view, rows, false);
    }

    @Override
    public Committed append(PushedRows rows) {
        if (!Files.isDirectory(directory)) {
            throw new FeatureDuckException(
                    ErrorCode.TABLE_NOT_WRITABLE,
                    "FeatureView '" + view + "': pushes add "
                            + "files to a directory of Parquet files; this view reads a single file or a glob");
        }
        List<SourceColumn> partitions =
                rows.columns().stream().filter(SourceColumn::partition).toList();
        List<SourceColumn> dataColumns =
                rows.columns().stream().filter(c -> !c.partition()).toList();
        List<Path> written = new ArrayList<>();
        try {
            for (Map.Entry<List<Object>, List<Integer>> group : DataFileWriter.byPartition(
                            rows, partitions.stream().map(SourceColumn::name).toList())
                    .entrySet()) {
                Path target = partitions.isEmpty()
                        ? directory
                        : DataFileWriter.localPath(HivePartitionDirectory.directory(
                                new org.apache.hadoop.fs.Path(directory.toUri()).toString(),
                                partitions,
                                group.getKey()));
                Path file = target.resolve("featureduck-" + UUID.randomUUID() + ".parquet");
                files.write(rows, group.getValue(), dataColumns, c -> OptionalInt.empty(), file);
                written.add(file);
            }
        } catch (IOException e) {
            DataFileWriter.removeUncommitted(written);
            throw new FeatureDuckException(
                    ErrorCode.WRITE_FAILED,
                    "FeatureView '" + view + "': cannot write the " + "pushed rows: " + e.getMessage(),
                    e);
        }
        return new Committed(source.latestSnapshot().version(), written.size(), rows.size(), 0);
    }
}
