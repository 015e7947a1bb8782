package io.featureduck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * The push benchmark's measuring side, against two running data planes over one Delta table:
 * <ol>
 *   <li>single-row pushes, {@code inFlight} at a time, to the first pod: rows/s, request p50/p99, commits made;</li>
 *   <li>1,000-row pushes, 4 at a time: the same;</li>
 *   <li>push-to-visible: one push at a time to the first pod (visible there when it is answered, checked by a lookup
 *       right after), then polling the second pod until it serves the row;</li>
 *   <li>the baseline, in the same process and run: the same single rows and 1,000-row batches appended directly as
 *       one Delta commit each (DuckDB writes the file, Delta Kernel commits it, as the push path does), one after
 *       another: what a push path without batching costs.</li>
 * </ol>
 * Usage: {@code PushBench create <table-dir> <entities>} writes the table (one row per entity, one commit), then
 * {@code PushBench <table-dir> <first-url> <second-url> <single-pushes> <in-flight> <batch-pushes> <probes>}.
 * Prints one {@code RESULT} line per measure (name, value) for the script's report.
 */
public final class PushBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        if (args[0].equals("create")) {
            create(Path.of(args[1]).toAbsolutePath(), Integer.parseInt(args[2]));
            return;
        }
        Path table = Path.of(args[0]).toAbsolutePath();
        String first = args[1];
        String second = args[2];
        int singles = Integer.parseInt(args[3]);
        int inFlight = Integer.parseInt(args[4]);
        int batches = Integer.parseInt(args[5]);
        int probes = Integer.parseInt(args[6]);
        AtomicLong ids = new AtomicLong(10_000_000);

        long commits = commits(table);
        Run single = push(first, singles, inFlight, 1, ids);
        long singleCommits = commits(table) - commits;
        report("single_rows_per_s", single.rowsPerSecond());
        report("single_p50_ms", single.percentile(0.50));
        report("single_p99_ms", single.percentile(0.99));
        report("single_commits", singleCommits);
        report("single_pushes", singles);

        commits = commits(table);
        Run batch = push(first, batches, 4, 1_000, ids);
        report("batch_rows_per_s", batch.rowsPerSecond());
        report("batch_p50_ms", batch.percentile(0.50));
        report("batch_p99_ms", batch.percentile(0.99));
        report("batch_commits", commits(table) - commits);

        List<Double> receiving = new ArrayList<>();
        List<Double> replica = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
            long id = ids.incrementAndGet();
            long start = System.nanoTime();
            JsonNode answer = post(first + "/push", body(List.of(id), 2.0));
            if (!answer.path("status").asText().equals("committed")) {
                throw new IllegalStateException("push failed: " + answer);
            }
            receiving.add((System.nanoTime() - start) / 1e6);
            if (!present(first, id)) {
                throw new IllegalStateException("pushed entity " + id + " is not served by the pod that took it");
            }
            while (!present(second, id)) {
                Thread.sleep(5);
            }
            replica.add((System.nanoTime() - start) / 1e6);
        }
        report("visible_receiving_p50_ms", percentile(receiving, 0.50));
        report("visible_receiving_p99_ms", percentile(receiving, 0.99));
        report("visible_replica_p50_ms", percentile(replica, 0.50));
        report("visible_replica_p99_ms", percentile(replica, 0.99));

        Path copy = Files.createTempDirectory("push-baseline").resolve("table");
        copyTree(table, copy);
        Run direct = direct(copy, Math.min(singles, 200), 1, ids);
        report("direct_single_rows_per_s", direct.rowsPerSecond());
        report("direct_single_p50_ms", direct.percentile(0.50));
        report("direct_single_p99_ms", direct.percentile(0.99));
        Run directBatch = direct(copy, batches, 1_000, ids);
        report("direct_batch_rows_per_s", directBatch.rowsPerSecond());
        report("direct_batch_p50_ms", directBatch.percentile(0.50));
    }

    /** Request latencies (ms) and the wall time of a run. */
    private record Run(List<Double> millis, int rows, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }

        double percentile(double p) {
            return PushBench.percentile(millis, p);
        }
    }

    private static Run push(String url, int pushes, int inFlight, int rows, AtomicLong ids) {
        Semaphore slots = new Semaphore(inFlight);
        ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < pushes; i++) {
            slots.acquireUninterruptibly();
            List<Long> entities = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                entities.add(ids.incrementAndGet());
            }
            long sentAt = System.nanoTime();
            sent.add(HTTP.sendAsync(request(url + "/push", body(entities, 1.0)), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        millis.add((System.nanoTime() - sentAt) / 1e6);
                        slots.release();
                        if (failure != null || response.statusCode() != 200) {
                            failures.add(failure != null ? failure.toString() : response.body());
                        }
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " pushes failed, first: " + failures.peek());
        }
        return new Run(new ArrayList<>(millis), pushes * rows, seconds);
    }

    private static final StructType SCHEMA = new StructType()
            .add("entity_id", LongType.LONG, false)
            .add("event_timestamp", TimestampType.TIMESTAMP, false)
            .add("f0", DoubleType.DOUBLE);

    private static void create(Path table, int entities) {
        DuckDbSettings settings = DuckDbSettings.defaults();
        try (DuckDbSession session =
                DuckDbSession.open(settings, List.of(table.getParent(), settings.tempDirectory()))) {
            new DeltaTableWriter(DefaultEngine.create(new Configuration()), table)
                    .append(
                            session,
                            "SELECT range::BIGINT "
                                    + "AS entity_id, now()::TIMESTAMPTZ - INTERVAL 1 HOUR AS event_timestamp, random()::DOUBLE AS f0 "
                                    + "FROM range(0, " + entities + ")",
                            SCHEMA);
        }
    }

    private static Run direct(Path table, int commits, int rows, AtomicLong ids) {
        StructType schema = SCHEMA;
        DuckDbSettings settings = DuckDbSettings.defaults();
        List<Double> millis = new ArrayList<>();
        long start = System.nanoTime();
        try (DuckDbSession session =
                DuckDbSession.open(settings, List.of(table.getParent(), settings.tempDirectory()))) {
            DeltaTableWriter writer = new DeltaTableWriter(DefaultEngine.create(new Configuration()), table);
            for (int i = 0; i < commits; i++) {
                long first = ids.get() + 1;
                ids.addAndGet(rows);
                long begin = System.nanoTime();
                writer.append(
                        session,
                        "SELECT (" + first + " + range)::BIGINT AS entity_id, now()::TIMESTAMPTZ AS "
                                + "event_timestamp, 1.0::DOUBLE AS f0 FROM range(0, " + rows + ")",
                        schema);
                millis.add((System.nanoTime() - begin) / 1e6);
            }
        }
        return new Run(millis, commits * rows, (System.nanoTime() - start) / 1e9);
    }

    private static String body(List<Long> entities, double value) {
        StringBuilder ids = new StringBuilder();
        StringBuilder times = new StringBuilder();
        StringBuilder values = new StringBuilder();
        String now = java.time.Instant.now().toString();
        for (long entity : entities) {
            String comma = ids.isEmpty() ? "" : ",";
            ids.append(comma).append(entity);
            times.append(comma).append('"').append(now).append('"');
            values.append(comma).append(value);
        }
        return "{\"push_source_name\": \"view_0_push\", \"to\": \"online_and_offline\", \"df\": {\"entity_id\": [" + ids
                + "], \"event_timestamp\": [" + times + "], \"f0\": [" + values + "]}}";
    }

    private static boolean present(String url, long id) throws Exception {
        JsonNode answer = post(
                url + "/v1/features/online",
                "{\"feature_view\": \"view-0\", \"entities\": " + "[{\"entity_id\": " + id + "}]}");
        return answer.at("/results/0/status").asText().equals("PRESENT");
    }

    private static HttpRequest request(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static JsonNode post(String url, String body) throws Exception {
        return JSON.readTree(HTTP.send(request(url, body), HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private static long commits(Path table) throws Exception {
        try (Stream<Path> log = Files.list(table.resolve("_delta_log"))) {
            return log.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static void report(String name, double value) {
        System.out.printf("RESULT\t%s\t%.2f%n", name, value);
    }

    private PushBench() {}
}
