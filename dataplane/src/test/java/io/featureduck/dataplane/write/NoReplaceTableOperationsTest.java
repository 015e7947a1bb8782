package io.featureduck.dataplane.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.LockManager;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers that share no lock, as two pods on one volume: every append each of them reports committed is in the
 * table afterwards, because the metadata file of a version can be created only once.
 */
class NoReplaceTableOperationsTest {
    private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

    @TempDir
    Path directory;

    /** What another process's lock looks like from here: it never stops anyone. */
    private static final class NoLock implements LockManager {
        @Override
        public boolean acquire(String entity, String owner) {
            return true;
        }

        @Override
        public boolean release(String entity, String owner) {
            return true;
        }

        @Override
        public void initialize(Map<String, String> properties) {}

        @Override
        public void close() {}
    }

    @Test
    void theFinalRenameOfAMetadataFileNeverReplacesOneAnotherWriterPutThere() throws Exception {
        Path location = directory.resolve("t");
        IcebergTestTables.create(location, SCHEMA, PartitionSpec.unpartitioned());
        NoReplaceTableOperations operations =
                new NoReplaceTableOperations(location, TableSourceFactory.hadoopConfiguration(), new NoLock());
        Path theirs = java.nio.file.Files.writeString(location.resolve("metadata/theirs.tmp"), "their commit");
        Path ours = java.nio.file.Files.writeString(location.resolve("metadata/ours.tmp"), "our commit");
        Path target = location.resolve("metadata/v2.metadata.json");
        org.apache.hadoop.fs.FileSystem fs = operations.getFileSystem(
                new org.apache.hadoop.fs.Path(target.toUri()), TableSourceFactory.hadoopConfiguration());

        assertThat(fs.rename(
                        new org.apache.hadoop.fs.Path(theirs.toUri()), new org.apache.hadoop.fs.Path(target.toUri())))
                .isTrue();
        assertThat(fs.rename(
                        new org.apache.hadoop.fs.Path(ours.toUri()), new org.apache.hadoop.fs.Path(target.toUri())))
                .as("the name is taken: our commit fails and is retried")
                .isFalse();
        assertThat(java.nio.file.Files.readString(target)).isEqualTo("their commit");
        assertThat(theirs).doesNotExist();
    }

    @Test
    void concurrentCommitsWithoutASharedLockAllLand() throws Exception {
        Path location = directory.resolve("t");
        IcebergTestTables.create(location, SCHEMA, PartitionSpec.unpartitioned());
        List<CompletableFuture<List<String>>> writers = new ArrayList<>();
        for (int writer = 0; writer < 3; writer++) {
            int id = writer;
            writers.add(CompletableFuture.supplyAsync(() -> {
                Table table = new BaseTable(
                        new NoReplaceTableOperations(location, TableSourceFactory.hadoopConfiguration(), new NoLock()),
                        "t");
                List<String> committed = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String path = location.resolve("data/w" + id + "-" + i + ".parquet")
                            .toUri()
                            .toString();
                    DataFile file = DataFiles.builder(PartitionSpec.unpartitioned())
                            .withPath(path)
                            .withFileSizeInBytes(10)
                            .withRecordCount(1)
                            .withFormat(FileFormat.PARQUET)
                            .build();
                    // As the push writer does: a commit that lost every one of Iceberg's own retries is tried again.
                    while (true) {
                        try {
                            table.newFastAppend().appendFile(file).commit();
                            break;
                        } catch (org.apache.iceberg.exceptions.CommitFailedException e) {
                            table.refresh();
                        }
                    }
                    committed.add(path);
                }
                return committed;
            }));
        }
        List<String> expected = new ArrayList<>();
        writers.forEach(w -> expected.addAll(w.join()));

        Table table = new HadoopTables(TableSourceFactory.hadoopConfiguration()).load(location.toString());
        List<String> files = new ArrayList<>();
        table.newScan().planFiles().forEach(task -> files.add(task.file().location()));
        assertThat(files).containsExactlyInAnyOrderElementsOf(expected);
        int snapshots = 0;
        for (Snapshot ignored : table.snapshots()) {
            snapshots++;
        }
        assertThat(snapshots).isEqualTo(120);
    }
}
