package io.featureduck.dataplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.TableCopies;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.duckdb.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Hudi table in the shared conformance set (written by Spark with Hudi 0.x and 1.x: table versions 6, 8 and 9)
 * reads through FeatureDuck exactly as the files that the Hudi specification selects read in DuckDB: the test picks
 * those files itself ({@link HudiReferenceTimeline}), without Hudi's library.
 */
class HudiConformanceTest {
    private static final Configuration HADOOP = TableSourceFactory.hadoopConfiguration();

    static Stream<String> copyOnWriteTables() throws IOException {
        return tablesUnder("cow");
    }

    static Stream<String> mergeOnReadTables() throws IOException {
        return Stream.of("mor-parquet-logs", "mor-avro-logs", "trips-mor-avro-logs")
                .flatMap(folder -> {
                    try {
                        return tablesUnder(folder);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    private static Stream<String> tablesUnder(String folder) throws IOException {
        Path root = SharedTestData.hudi(folder);
        try (Stream<Path> tables = Files.list(root)) {
            List<String> names = tables.filter(Files::isDirectory)
                    .map(p -> folder + "/" + p.getFileName())
                    .sorted()
                    .toList();
            assertThat(names).isNotEmpty();
            return names.stream();
        }
    }

    static HudiTableSource source(String table) {
        return new HudiTableSource(new TableLocation(SharedTestData.hudi(table)), HADOOP);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("copyOnWriteTables")
    void latestSnapshotReadsAsTheFilesTheTimelineSelects(String table) throws Exception {
        Path path = SharedTestData.hudi(table);
        TableSnapshot snapshot = source(table).latestSnapshot();
        HudiReferenceTimeline timeline = new HudiReferenceTimeline(path);
        String latest = timeline.completed().isEmpty() ? "0" : last(timeline);
        HudiReferenceTimeline.Selection expected = timeline.asOf(latest);

        assertThat(snapshot.version()).isEqualTo(Long.parseLong(latest));
        assertThat(snapshot.dataFiles())
                .extracting(DataFile::path)
                .containsExactlyInAnyOrderElementsOf(
                        expected.baseFiles().stream().map(Path::toString).toList());
        assertThat(read(snapshot, path)).containsExactlyInAnyOrderElementsOf(reference(snapshot, path, expected));
        if (table.contains("empty")) {
            assertThat(snapshot.dataFiles()).isEmpty();
            assertThat(snapshot.columns()).extracting(SourceColumn::name).contains("id", "name", "isActive");
        } else {
            assertThat(read(snapshot, path)).isNotEmpty();
        }
    }

    @Test
    void theTransactionsTableHoldsWhatItsSqlLeftAfterUpdatesDeletesOverwriteAndClustering() throws Exception {
        String table = "cow/v9_txns_simple_meta";
        TableSnapshot snapshot = source(table).latestSnapshot();
        List<Map<String, Object>> rows = read(snapshot, SharedTestData.hudi(table));
        Map<String, Map<String, Object>> byId =
                rows.stream().collect(Collectors.toMap(r -> (String) r.get("txn_id"), r -> r));
        // The eu partition was overwritten by TXN-011 and TXN-012; TXN-002 and TXN-005 were deleted.
        assertThat(byId.keySet())
                .containsExactlyInAnyOrder(
                        "TXN-001", "TXN-003", "TXN-013", "TXN-014", "TXN-017", "TXN-007", "TXN-008", "TXN-015",
                        "TXN-016", "TXN-011", "TXN-012", "TXN-018");
        assertThat(byId.get("TXN-001").get("txn_type")).isEqualTo("reversal");
        assertThat(byId.get("TXN-001").get("txn_ts")).isEqualTo(1700100000001L);
        assertThat(byId.get("TXN-007").get("fee_amount")).isEqualTo(75.0);
        assertThat(byId.get("TXN-011").get("region")).isEqualTo("eu");
        assertThat(snapshot.column("_hoodie_record_key")).isPresent();
        assertThat(snapshot.column("amount").orElseThrow().type()).isEqualTo(ColumnType.Primitive.decimal(15, 2));
        assertThat(snapshot.column("txn_datetime").orElseThrow().type())
                .isEqualTo(ColumnType.Primitive.of(ColumnType.Scalar.TIMESTAMP));
    }

    @Test
    void sampleTablesKeepTheirTypedValuesAndPartitionColumns() throws Exception {
        String table = "cow/v6_complexkeygen_hivestyle";
        TableSnapshot snapshot = source(table).latestSnapshot();
        Map<Long, Map<String, Object>> byId = read(snapshot, SharedTestData.hudi(table)).stream()
                .collect(Collectors.toMap(r -> (Long) r.get("id"), r -> r));
        assertThat(snapshot.column("byteField").orElseThrow().type())
                .isEqualTo(ColumnType.Primitive.of(ColumnType.Scalar.INT32));
        assertThat(byId.get(1L).get("name")).isEqualTo("Alice");
        assertThat(byId.get(1L).get("byteField")).isEqualTo(10L);
        assertThat(byId.get(1L).get("shortField")).isEqualTo(300L);
        assertThat(byId.get(1L).get("dateField")).isEqualTo(java.time.LocalDate.parse("2023-04-01"));
    }

    @Test
    void tablesWithoutMetaFieldsHaveNoHudiMetaColumns() {
        assertThat(source("cow/v6_simplekeygen_hivestyle_no_metafields")
                        .latestSnapshot()
                        .columns())
                .extracting(SourceColumn::name)
                .noneMatch(n -> n.startsWith("_hoodie_"))
                .contains("id", "byteField");
        assertThat(source("cow/v8_simplekeygen_hivestyle_no_metafields")
                        .latestSnapshot()
                        .columns())
                .extracting(SourceColumn::name)
                .noneMatch(n -> n.startsWith("_hoodie_"))
                .contains("id", "byteField");
    }

    /** Time travel to every completed instant of multi-commit tables, layouts 1 and 2, with replacecommits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("multiCommitTables")
    void timeTravelToEachCompletedInstantEqualsTheTableAsOfIt(String table) throws Exception {
        Path path = SharedTestData.hudi(table);
        HudiTableSource source = source(table);
        HudiReferenceTimeline timeline = new HudiReferenceTimeline(path);
        assertThat(timeline.completed()).hasSizeGreaterThan(1);
        for (HudiReferenceTimeline.Instant instant : timeline.completed()) {
            TableSnapshot snapshot = source.snapshotAt(Long.parseLong(instant.time()));
            HudiReferenceTimeline.Selection expected = timeline.asOf(instant.time());
            assertThat(snapshot.version()).isEqualTo(Long.parseLong(instant.time()));
            assertThat(snapshot.dataFiles())
                    .as("files as of %s", instant.time())
                    .extracting(DataFile::path)
                    .containsExactlyInAnyOrderElementsOf(
                            expected.baseFiles().stream().map(Path::toString).toList());
            assertThat(read(snapshot, path))
                    .as("rows as of %s", instant.time())
                    .containsExactlyInAnyOrderElementsOf(reference(snapshot, path, expected));
        }
    }

    static Stream<String> multiCommitTables() {
        return Stream.of(
                "cow/v6_nonpartitioned",
                "cow/v6_simplekeygen_nonhivestyle_overwritetable",
                "cow/v9_txns_simple_meta",
                "cow/v9_txns_simple_overwrite",
                "cow/v9_txns_complex_nometa");
    }

    @Test
    void versionAsOfNamesTheInstantCompletedByThen() throws Exception {
        // Layout 2 records completion times: an instant counts from when it completed, not when it was requested.
        HudiTableSource source = source("cow/v9_txns_simple_overwrite");
        assertThat(source.versionAsOf(Instant.parse("2026-04-03T18:39:58.943Z")))
                .hasValue(20260403183955124L);
        assertThat(source.versionAsOf(Instant.parse("2026-04-03T18:39:58.942Z")))
                .isEmpty();
        assertThat(source.versionAsOf(Instant.parse("2026-04-03T18:40:00.000Z")))
                .hasValue(20260403183955124L);
        assertThat(source.versionAsOf(Instant.parse("2026-04-03T18:40:00.568Z")))
                .hasValue(20260403183959838L);
        assertThat(source.versionAsOf(Instant.parse("2030-01-01T00:00:00Z"))).hasValue(20260403184001282L);
        assertThat(source.latestSnapshot().commitTime())
                .as("when the last instant completed")
                .isEqualTo(Instant.parse("2026-04-03T18:40:02.260Z"));
        // Layout 1 has only requested times.
        HudiTableSource v6 = source("cow/v6_nonpartitioned");
        assertThat(v6.versionAsOf(Instant.parse("2024-04-18T17:35:51.906Z"))).hasValue(20240418173551906L);
        assertThat(v6.versionAsOf(Instant.parse("2024-04-18T17:35:51.905Z"))).hasValue(20240418173550988L);
        assertThat(v6.latestSnapshot().commitTime()).isEqualTo(Instant.parse("2024-04-18T17:35:51.906Z"));
    }

    /** Archiving moves the oldest instants off the active timeline; their base files may still be served. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("archivedLayouts")
    void aTimeBeforeTheActiveTimelineOfAnArchivedTableIsAnErrorNotAnEmptyTable(
            String table, String archive, @org.junit.jupiter.api.io.TempDir Path copy) throws Exception {
        Path original = SharedTestData.hudi(table);
        HudiReferenceTimeline timeline = new HudiReferenceTimeline(original);
        String firstKept = timeline.completed().get(1).time();
        TableCopies.copy(original, copy, file -> {
            String name = file.getFileName().toString();
            boolean archived = file.getParent().getFileName().toString().matches("\\.hoodie|timeline")
                    && name.matches("\\d{17}.*")
                    && name.substring(0, 17).compareTo(firstKept) < 0;
            return !archived;
        });
        Files.createDirectories(copy.resolve(archive));
        HudiTableSource source = new HudiTableSource(new TableLocation(copy), HADOOP);
        Instant beforeKept = Instant.parse("2000-01-01T00:00:00Z");
        assertThat(new HudiTableSource(new TableLocation(copy), HADOOP)
                        .latestSnapshot()
                        .version())
                .isEqualTo(source(table).latestSnapshot().version());
        assertThat(source.versionAsOf(beforeKept))
                .as("nothing archived yet: the table did not exist")
                .isEmpty();

        Files.writeString(
                copy.resolve(archive).resolve(archive.endsWith("history") ? "manifest_1" : ".commits_.archive.1_1-0-1"),
                "archived instants");
        assertThatThrownBy(() -> source.versionAsOf(beforeKept))
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("archived")
                .hasMessageContaining("active timeline starts at " + firstKept)
                .hasMessageContaining("hoodie.keep.min.commits");
        assertThat(source.versionAsOf(Instant.parse("2100-01-01T00:00:00Z"))).hasValue(Long.parseLong(last(timeline)));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> archivedLayouts() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("cow/v6_nonpartitioned", ".hoodie/archived"),
                org.junit.jupiter.params.provider.Arguments.of("cow/v9_txns_simple_meta", ".hoodie/timeline/history"));
    }

    @Test
    void aTableWithOrcBaseFilesIsRefusedNamingTheFormat(@org.junit.jupiter.api.io.TempDir Path copy) throws Exception {
        Path original = SharedTestData.hudi("cow/v6_nonpartitioned");
        TableCopies.copy(original, copy);
        Path properties = copy.resolve(".hoodie/hoodie.properties");
        Files.writeString(properties, Files.readString(properties) + "hoodie.table.base.file.format=ORC\n");
        assertThatThrownBy(() -> new HudiTableSource(new TableLocation(copy), HADOOP).latestSnapshot())
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("ORC")
                .hasMessageContaining("Parquet base files only");
    }

    /** Hudi's versions are instant times, not consecutive numbers: historical retrieval asks the source for them. */
    @Test
    void theVersionsBetweenTwoTimesAreTheInstantsCurrentInBetweenPinnedOrNot() throws Exception {
        HudiTableSource source = source("cow/v9_txns_simple_meta");
        List<HudiReferenceTimeline.Instant> instants =
                new HudiReferenceTimeline(SharedTestData.hudi("cow/v9_txns_simple_meta")).completed();
        List<Long> all = instants.stream().map(i -> Long.parseLong(i.time())).toList();
        Instant second = completed(instants.get(1));
        Instant fifth = completed(instants.get(4));
        assertThat(source.versionsBetween(second, fifth)).isEqualTo(all.subList(1, 5));
        assertThat(source.versionsBetween(second.minusMillis(1), fifth.minusMillis(1)))
                .isEqualTo(all.subList(0, 4));
        assertThat(source.versionsBetween(Instant.EPOCH, Instant.EPOCH.plusSeconds(1)))
                .isEmpty();
        assertThat(source.versionsBetween(Instant.EPOCH, second)).isEqualTo(all.subList(0, 2));

        PinnedTableSource pinned = new PinnedTableSource(source, io.featureduck.crds.TablePin.ofVersion(all.get(2)));
        assertThat(pinned.versionsBetween(second, Instant.parse("2100-01-01T00:00:00Z")))
                .isEqualTo(all.subList(1, 3));
        assertThat(pinned.versionsBetween(fifth, Instant.parse("2100-01-01T00:00:00Z")))
                .containsExactly(all.get(2));
    }

    private static Instant completed(HudiReferenceTimeline.Instant instant) {
        return java.time.LocalDateTime.parse(
                        instant.completed(), java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS"))
                .toInstant(java.time.ZoneOffset.UTC);
    }

    @Test
    void anInstantNotOnTheTimelineIsRefusedNamingTheNewestOnes() {
        assertThatThrownBy(() -> source("cow/v6_nonpartitioned").snapshotAt(20240418173551000L))
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("no completed instant 20240418173551000")
                .hasMessageContaining("20240418173551906");
    }

    @Test
    void aDirectoryThatIsNotAHudiTableFailsSayingSo(@org.junit.jupiter.api.io.TempDir Path empty) {
        assertThatThrownBy(() -> new HudiTableSource(new TableLocation(empty), HADOOP).latestSnapshot())
                .isInstanceOf(TableSourceException.class)
                .hasMessageContaining("Hudi table")
                .hasMessageContaining("not found");
    }

    /**
     * A merge-on-read table is served only when no log file follows its latest base files; otherwise it is refused,
     * saying it is merge-on-read and what to do. Which one happens is decided by the reference timeline.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mergeOnReadTables")
    void mergeOnReadTablesAreServedOnlyWithoutUnmergedLogFiles(String table) throws Exception {
        Path path = SharedTestData.hudi(table);
        HudiReferenceTimeline timeline = new HudiReferenceTimeline(path);
        String latest = timeline.completed().isEmpty() ? "0" : last(timeline);
        HudiReferenceTimeline.Selection expected = timeline.asOf(latest);
        System.out.println("hudi merge-on-read " + table + ": "
                + (expected.logFilesAfterTheirBase() > 0
                        ? "refused, " + expected.logFilesAfterTheirBase() + " log files after the latest base files"
                        : "served, no log file after the latest base files"));
        if (expected.logFilesAfterTheirBase() > 0) {
            assertThatThrownBy(() -> source(table).latestSnapshot())
                    .isInstanceOf(TableSourceException.class)
                    .hasMessageContaining("merge-on-read")
                    .hasMessageContaining("log file")
                    .hasMessageContaining("Compact the table");
        } else {
            TableSnapshot snapshot = source(table).latestSnapshot();
            assertThat(read(snapshot, path)).containsExactlyInAnyOrderElementsOf(reference(snapshot, path, expected));
        }
    }

    /**
     * The v9 transaction tables were written by the same SQL as copy-on-write and as merge-on-read tables (the latter
     * compacted before their last commits): a served merge-on-read table holds exactly the latest values, which are
     * the copy-on-write table's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("compactedTransactionTables")
    void aServedMergeOnReadTableHoldsTheSameRowsAsItsCopyOnWriteTwin(String table) throws Exception {
        TableSnapshot mergeOnRead = source("mor-avro-logs/" + table).latestSnapshot();
        TableSnapshot copyOnWrite = source("cow/" + table).latestSnapshot();
        List<Map<String, Object>> expected = withoutMetaColumns(read(copyOnWrite, SharedTestData.hudi("cow/" + table)));
        assertThat(expected).isNotEmpty();
        assertThat(withoutMetaColumns(read(mergeOnRead, SharedTestData.hudi("mor-avro-logs/" + table))))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    static Stream<String> compactedTransactionTables() {
        return Stream.of(
                "v9_txns_simple_meta",
                "v9_txns_simple_nometa",
                "v9_txns_complex_meta",
                "v9_txns_complex_nometa",
                "v9_txns_nonpart_meta",
                "v9_txns_nonpart_nometa",
                "v9_txns_simple_overwrite");
    }

    private static List<Map<String, Object>> withoutMetaColumns(List<Map<String, Object>> rows) {
        return rows.stream()
                .map(row -> row.entrySet().stream()
                        .filter(e -> !e.getKey().startsWith("_hoodie_"))
                        .collect(
                                Collectors.toMap(Map.Entry::getKey, e -> e.getValue() == null ? "null" : e.getValue())))
                .toList();
    }

    @Test
    void mergeOnReadTablesWithLogFilesAreAmongTheRefused() throws Exception {
        // So that the test above exercises the refusal: these tables hold updates in log files.
        for (String table : List.of("trips-mor-avro-logs/v6_trips_8i1u", "mor-parquet-logs/v6_nonpartitioned")) {
            HudiReferenceTimeline timeline = new HudiReferenceTimeline(SharedTestData.hudi(table));
            assertThat(timeline.asOf(last(timeline)).logFilesAfterTheirBase())
                    .as(table)
                    .isPositive();
        }
    }

    private static String last(HudiReferenceTimeline timeline) {
        return timeline.completed().get(timeline.completed().size() - 1).time();
    }

    private static List<Map<String, Object>> read(TableSnapshot snapshot, Path path) throws Exception {
        return SnapshotRows.read(snapshot, List.of(path));
    }

    /** The selected files read by DuckDB directly, with nothing of FeatureDuck's in between. */
    private static List<Map<String, Object>> reference(
            TableSnapshot snapshot, Path path, HudiReferenceTimeline.Selection selection) throws Exception {
        if (selection.baseFiles().isEmpty()) {
            return List.of();
        }
        String columns =
                snapshot.columns().stream().map(c -> Sql.quote(c.name())).collect(Collectors.joining(", "));
        String files = selection.baseFiles().stream()
                .map(f -> Sql.stringLiteral(f.toString()))
                .collect(Collectors.joining(", "));
        return SnapshotRows.query(
                List.of(path),
                "SELECT " + columns + " FROM read_parquet([" + files
                        + "], union_by_name = true, hive_partitioning = false)");
    }
}
