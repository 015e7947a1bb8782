package io.featureduck.bench;

import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The aggregation benchmark's lakehouse, plain Parquet: {@code events}, {@code entities} entities with
 * {@code perEntity} events each spread over the {@code days} days before now (trips, amount, merchant; one value in
 * twenty null); {@code plain}, one row per entity of 50 float64 features (the lookup baseline); and {@code rows.parquet},
 * {@code rows} entity rows at random times in the same days. Writes {@code bench.yaml}: a view {@code plain} and a
 * view {@code activity} of 10 aggregations x 3 windows (1h, 7d, 30d). With {@code append}, writes one more events file
 * of that many events instead (the refresh measurement).
 *
 * <p>Usage: {@code AggregationBenchData <dir> <entities> <perEntity> <days> <rows>} or
 * {@code AggregationBenchData <dir> append <events> <entities>}
 */
public final class AggregationBenchData {
    static final List<String> AGGREGATIONS = List.of(
            "{name: events, function: count}",
            "{name: trips, column: trips, type: int32, function: sum}",
            "{name: trips_avg, column: trips, type: int32, function: avg}",
            "{name: amount, column: amount, type: float64, function: sum}",
            "{name: amount_min, column: amount, type: float64, function: min}",
            "{name: amount_max, column: amount, type: float64, function: max}",
            "{name: amount_sd, column: amount, type: float64, function: stddev}",
            "{name: paid, column: amount, type: float64, function: count}",
            "{name: merchant, column: merchant, type: string, function: last}",
            "{name: merchants, column: merchant, type: string, function: count_distinct}");
    static final List<String> WINDOWS = List.of("1h", "7d", "30d");

    private AggregationBenchData() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        DuckDbSettings settings = DuckDbSettings.defaults();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long nowMicros = now.getEpochSecond() * 1_000_000L;
        if (args[1].equals("append")) {
            long events = Long.parseLong(args[2]);
            long entities = Long.parseLong(args[3]);
            try (DuckDbSession session = DuckDbSession.open(settings, List.of(dir, settings.tempDirectory()))) {
                // The latest minutes: every appended event counts in every window.
                session.execute("COPY (SELECT (hash(i, 'append', " + nowMicros + ") % " + entities
                        + ")::BIGINT AS entity_id, make_timestamp(" + nowMicros
                        + " - (i % 60000000))::TIMESTAMPTZ AS ts, "
                        + "(i % 7)::INTEGER AS trips, (i % 1000) / 10.0 AS amount, 'm' || (i % 50) AS merchant "
                        + "FROM range(0, " + events + ") t(i)) TO '"
                        + dir.resolve("tables/events/append-" + nowMicros + ".parquet") + "' (FORMAT parquet)");
            }
            return;
        }
        long entities = Long.parseLong(args[1]);
        int perEntity = Integer.parseInt(args[2]);
        int days = Integer.parseInt(args[3]);
        long rows = Long.parseLong(args[4]);
        long spanMicros = days * 86_400_000_000L;
        Files.createDirectories(dir.resolve("tables/events"));
        Files.createDirectories(dir.resolve("tables/plain"));
        long start = System.nanoTime();
        try (DuckDbSession session = DuckDbSession.open(settings, List.of(dir, settings.tempDirectory()))) {
            // Ten files by entity range, so that writing them needs little memory.
            int files = 10;
            for (int f = 0; f < files; f++) {
                long from = entities * f / files;
                long to = entities * (f + 1) / files;
                session.execute(
                        "COPY (SELECT e::BIGINT AS entity_id, make_timestamp(" + nowMicros + " - (hash(e, n, 't') % "
                                + spanMicros + ")::BIGINT)::TIMESTAMPTZ AS ts, "
                                + "CASE WHEN hash(e, n, 'tn') % 20 = 0 THEN NULL ELSE (hash(e, n, 'tr') % 12)::INTEGER END AS trips, "
                                + "CASE WHEN hash(e, n, 'an') % 20 = 0 THEN NULL ELSE (hash(e, n, 'a') % 100000) / 100.0 END AS amount, "
                                + "CASE WHEN hash(e, n, 'mn') % 20 = 0 THEN NULL ELSE 'merchant-' || (hash(e, n, 'm') % 5000) END"
                                + " AS merchant FROM range(" + from + ", " + to + ") a(e), range(0, " + perEntity
                                + ") b(n)) TO '"
                                + dir.resolve("tables/events/part-" + f + ".parquet") + "' (FORMAT parquet)");
            }
            StringBuilder features = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                features.append(", (hash(e, ")
                        .append(i)
                        .append(") % 1000000) / 1000.0 AS f")
                        .append(i);
            }
            session.execute("COPY (SELECT e::BIGINT AS entity_id, make_timestamp(" + nowMicros
                    + ")::TIMESTAMPTZ AS ts" + features + " FROM range(0, " + entities + ") a(e)) TO '"
                    + dir.resolve("tables/plain/part-0.parquet") + "' (FORMAT parquet)");
            session.execute("COPY (SELECT (hash(r, 'k') % " + entities + ")::BIGINT AS entity_id, make_timestamp("
                    + nowMicros + " - (hash(r, 'rt') % " + spanMicros + ")::BIGINT)::TIMESTAMPTZ AS event_timestamp"
                    + " FROM range(0, " + rows + ") t(r)) TO '" + dir.resolve("rows.parquet") + "' (FORMAT parquet)");
        }
        StringBuilder yaml = new StringBuilder("""
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: bench}
                spec:
                  lakehouse: {format: parquet, root: tables}
                  dataPlane: {maxBatchEntities: 1000, duckdbMemoryLimit: 8GB, auth: {type: none}}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: plain}
                spec:
                  store: bench
                  source: {path: plain, timestampColumn: ts}
                  entities: [{name: entity_id, type: int64}]
                  refreshInterval: 1h
                  features:
                """);
        for (int i = 0; i < 50; i++) {
            yaml.append("    - {name: f").append(i).append(", type: float64}\n");
        }
        yaml.append("""
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: activity}
                spec:
                  store: bench
                  source: {path: events, timestampColumn: ts}
                  entities: [{name: entity_id, type: int64}]
                  refreshInterval: 1s
                  aggregations:
                """);
        for (String aggregation : AGGREGATIONS) {
            yaml.append("    - ")
                    .append(aggregation.replace("}", ", windows: [" + String.join(", ", WINDOWS) + "]}"))
                    .append('\n');
        }
        Files.writeString(dir.resolve("bench.yaml"), yaml);
        System.out.printf(
                "wrote %d entities x %d events over %d days, %d entity rows in %.1f s%n",
                entities, perEntity, days, rows, (System.nanoTime() - start) / 1e9);
    }

    /** The aggregated features as {@code activity:<feature>} references, comma-separated. */
    static String features() {
        StringBuilder refs = new StringBuilder();
        for (String aggregation : AGGREGATIONS) {
            String name = aggregation.substring(aggregation.indexOf("name: ") + 6, aggregation.indexOf(','));
            for (String window : WINDOWS) {
                refs.append(refs.isEmpty() ? "" : ",")
                        .append("activity:")
                        .append(name)
                        .append('_')
                        .append(window);
            }
        }
        return refs.toString();
    }

    /** Prints {@link #features()}, for the script. */
    public static final class Features {
        private Features() {}

        public static void main(String[] args) throws IOException {
            System.out.println(features());
        }
    }
}
