package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.featureduck.dataplane.SharedTestData;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The change feed Delta's log gives between two versions (files added and removed, read with Kernel's commit range)
 * names the same files as comparing the two versions' file lists, for every pair of versions of the shared tables
 * with appends, copy-on-write deletes, an overwrite, deletion vectors and a schema change; and it never calls a change
 * an append that the file lists show is not one.
 */
class DeltaChangeFeedTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "snapshot-data3",
                "basic-with-inserts-deletes-checkpoint",
                "dv-partitioned-with-checkpoint",
                "time-travel-schema-changes-b",
                "basic-with-inserts-updates"
            })
    void theLogNamesTheSameFilesAsTheFileLists(String table) {
        Path path = SharedTestData.delta(table);
        DeltaTableSource source =
                new DeltaTableSource(DefaultEngine.create(TableSourceFactory.hadoopConfiguration()), path);
        long latest = source.latestSnapshot().version();
        for (long from = 0; from < latest; from++) {
            for (long to = from + 1; to <= latest; to++) {
                TableSnapshot older = source.snapshotAt(from);
                TableSnapshot newer = source.snapshotAt(to);
                SnapshotChanges fromLog = source.changes(older, newer);
                SnapshotChanges fromFiles = SnapshotChanges.between(older, newer);
                String pair = table + " " + from + " -> " + to;
                assertThat(paths(fromLog.added())).as("added, " + pair).isEqualTo(paths(fromFiles.added()));
                assertThat(paths(fromLog.removed())).as("removed, " + pair).containsAll(paths(fromFiles.removed()));
                if (fromLog.isAppendOnly()) {
                    assertThat(fromFiles.isAppendOnly()).as("append, " + pair).isTrue();
                }
            }
        }
    }

    private static Set<String> paths(java.util.List<DataFile> files) {
        return files.stream().map(DataFile::path).collect(Collectors.toSet());
    }
}
