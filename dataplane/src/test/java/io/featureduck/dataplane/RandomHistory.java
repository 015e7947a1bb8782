package io.featureduck.dataplane;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.hadoop.conf.Configuration;

/**
 * Random feature histories for property tests, written as real Delta tables ({@code k BIGINT, ts, created, v
 * DOUBLE}) over one to three commits.
 */
public final class RandomHistory {
    public static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

    /** The order "latest" means: greater event time, then greater created time, a missing created time losing. */
    public static final Comparator<Row> LATEST_LAST = Comparator.comparingInt(Row::hour)
            .thenComparing(Row::createdMinute, Comparator.nullsFirst(Comparator.naturalOrder()));

    private RandomHistory() {}

    /** One source row: its key, event hour after {@link #BASE}, created minute after that (or none) and value. */
    public record Row(long key, int hour, Integer createdMinute, Double value) {
        public Instant eventTime() {
            return BASE.plus(Duration.ofHours(hour));
        }
    }

    /** Commits of random rows; few keys and hours make ties frequent. */
    public static Arbitrary<List<List<Row>>> commits(long maxKey, Arbitrary<Integer> hours, int maxRowsPerCommit) {
        return commits(maxKey, hours, maxRowsPerCommit, 1, 3);
    }

    /** As above, with between {@code minCommits} and {@code maxCommits} commits of at least one row each. */
    public static Arbitrary<List<List<Row>>> commits(
            long maxKey, Arbitrary<Integer> hours, int maxRowsPerCommit, int minCommits, int maxCommits) {
        Arbitrary<Row> row = Combinators.combine(
                        Arbitraries.longs().between(0, maxKey),
                        hours,
                        Arbitraries.integers().between(0, 3).injectNull(0.2),
                        Arbitraries.doubles().between(-1000, 1000).injectNull(0.1))
                .as(Row::new);
        return row.list()
                .ofMinSize(minCommits > 1 ? 1 : 0)
                .ofMaxSize(maxRowsPerCommit)
                .list()
                .ofMinSize(minCommits)
                .ofMaxSize(maxCommits);
    }

    /** Two rows equal in key, event time and created time have no defined winner, so histories never hold them. */
    public static List<List<Row>> withoutAmbiguousDuplicates(List<List<Row>> commits) {
        Set<String> seen = new HashSet<>();
        List<List<Row>> unique = new ArrayList<>();
        for (List<Row> commit : commits) {
            unique.add(commit.stream()
                    .filter(r -> seen.add(r.key() + "/" + r.hour() + "/" + r.createdMinute()))
                    .toList());
        }
        return unique;
    }

    /** Appends each commit as one more version of the Delta table at {@code table} (created by the first). */
    public static void appendToDeltaTable(Path table, List<Row> commit) {
        writeDeltaTable(table, List.of(commit));
    }

    /** Writes each commit as one Delta table version. */
    public static void writeDeltaTable(Path table, List<List<Row>> commits) {
        StructType schema = new StructType()
                .add("k", LongType.LONG)
                .add("ts", TimestampType.TIMESTAMP)
                .add("created", TimestampType.TIMESTAMP)
                .add("v", DoubleType.DOUBLE);
        DeltaTableWriter writer = new DeltaTableWriter(DefaultEngine.create(new Configuration()), table);
        try (DuckDbSession session = DuckDbSession.open(
                DuckDbSettings.defaults(),
                List.of(table.getParent(), DuckDbSettings.defaults().tempDirectory()))) {
            for (List<Row> commit : commits) {
                String empty = "SELECT CAST(NULL AS BIGINT) AS k, CAST(NULL AS TIMESTAMPTZ) AS ts, "
                        + "CAST(NULL AS TIMESTAMPTZ) AS created, CAST(NULL AS DOUBLE) AS v WHERE false";
                String rows = commit.stream()
                        .map(r -> " UNION ALL SELECT " + r.key() + ", TIMESTAMPTZ '"
                                + r.eventTime() + "', "
                                + (r.createdMinute() == null
                                        ? "NULL"
                                        : "TIMESTAMPTZ '" + r.eventTime().plus(Duration.ofMinutes(r.createdMinute()))
                                                + "'")
                                + ", "
                                + (r.value() == null ? "NULL" : Double.toString(r.value())))
                        .collect(Collectors.joining());
                writer.append(session, empty + rows, schema);
            }
        }
    }

    public static void deleteRecursively(Path path) throws IOException {
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
