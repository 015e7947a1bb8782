package io.featureduck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Renders one benchmark run (wrk result lines and the load measurements) as a Markdown report with each scenario
 * next to its baselines from the same run.
 *
 * <p>Usage: {@code BenchReport <results.jsonl> <load.properties> <out.md>}
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws IOException {
        Map<String, List<JsonNode>> rounds = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                JsonNode run = JSON.readTree(line);
                rounds.computeIfAbsent(run.get("label").asText(), l -> new ArrayList<>())
                        .add(run);
            }
        }
        Map<String, JsonNode> runs = new LinkedHashMap<>();
        rounds.forEach((label, all) -> runs.put(label, median(all)));
        Properties load = new Properties();
        try (var in = Files.newBufferedReader(Path.of(args[1]))) {
            load.load(in);
        }
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(load.getProperty("machine")).append("  \n");
        md.append("Data: ").append(load.getProperty("shape")).append("\n\n");
        md.append("### Load and memory\n\n| measure | value |\n|---|---|\n");
        row(md, "time until /ready (5 views loaded)", load.getProperty("ready_seconds") + " s");
        row(md, "sum of per-view load times", load.getProperty("load_millis_sum") + " ms");
        row(md, "raw value bytes (keys, event times, features)", mib(load.getProperty("raw_bytes")));
        row(md, "heap used after full GC, indexes loaded", mib(load.getProperty("heap_after_gc_bytes")));
        row(
                md,
                "heap used after full GC, same process before loading (JVM + server)",
                mib(load.getProperty("heap_baseline_bytes")));
        long indexHeap = Long.parseLong(load.getProperty("heap_after_gc_bytes"))
                - Long.parseLong(load.getProperty("heap_baseline_bytes"));
        row(
                md,
                "index heap / raw value bytes",
                String.format("%.2fx", indexHeap / Double.parseDouble(load.getProperty("raw_bytes"))));
        row(md, "process RSS, indexes loaded", mib(load.getProperty("rss_bytes")));
        row(md, "Redis used_memory for the same values", mib(load.getProperty("redis_used_memory")));

        md.append("\n### Online serving: 1 entity x 50 features\n\n");
        md.append(HEADER.replace("first", "connections"));
        for (int c : new int[] {1, 8, 32}) {
            JsonNode floor = runs.get("floor-b1-c" + c);
            for (String server : List.of("featureduck", "before", "floor", "redis", "core")) {
                JsonNode run = runs.get(server + "-b1-c" + c);
                if (run != null) {
                    line(md, Integer.toString(c), server, run, floor);
                }
            }
        }
        md.append("\n### Online serving: batches, 1 connection\n\n");
        md.append(HEADER.replace("first", "entities"));
        for (int b : new int[] {100, 500}) {
            JsonNode floor = runs.get("floor-b" + b + "-c1");
            for (String server : List.of("featureduck", "before", "floor", "redis")) {
                JsonNode run = runs.get(server + "-b" + b + "-c1");
                if (run != null) {
                    line(md, Integer.toString(b), server, run, floor);
                }
            }
        }
        md.append("\n### Wider shapes, 1 entity, 1 connection\n\n");
        md.append(HEADER.replace("first", "shape"));
        for (String shape : List.of("wide", "strings")) {
            JsonNode floor = runs.get("floor-" + shape + "-c1");
            for (String server : List.of("featureduck", "floor")) {
                JsonNode run = runs.get(server + "-" + shape + "-c1");
                if (run != null) {
                    line(
                            md,
                            shape.equals("wide") ? "250 float64 features (25 views)" : "10 string features",
                            server,
                            run,
                            floor);
                }
            }
        }
        md.append(
                "\n| shape | entities | raw value bytes | index heap | index heap / raw | ready |\n|---|---|---|---|---|---|\n");
        for (String shape : List.of("main", "wide", "strings")) {
            String prefix = shape.equals("main") ? "" : shape + "_";
            if (load.getProperty(prefix + "raw_bytes") != null) {
                md.append("| ")
                        .append(shape)
                        .append(" | ")
                        .append(load.getProperty(prefix + "entities", "n/a"))
                        .append(" | ")
                        .append(mib(load.getProperty(prefix + "raw_bytes")))
                        .append(" | ")
                        .append(mib(Long.toString(indexHeap(load, prefix))))
                        .append(" | ")
                        .append(String.format("%.2fx", heapRatio(load, prefix)))
                        .append(" | ")
                        .append(load.getProperty(prefix + "ready_seconds"))
                        .append(" s |\n");
            }
        }
        targets(md, runs, load);
        md.append("\nRatios against Redis (FeatureDuck / Redis-backed route, same run):\n\n");
        md.append("| scenario | p99 ratio | throughput ratio |\n|---|---|---|\n");
        for (String scenario : List.of("b1-c1", "b1-c8", "b1-c32", "b100-c1", "b500-c1")) {
            JsonNode fd = runs.get("featureduck-" + scenario);
            JsonNode redis = runs.get("redis-" + scenario);
            if (fd != null && redis != null) {
                md.append("| ")
                        .append(scenario)
                        .append(" | ")
                        .append(String.format(
                                "%.2f",
                                fd.get("p99_us").asDouble()
                                        / redis.get("p99_us").asDouble()))
                        .append(" | ")
                        .append(String.format("%.2f", rate(fd) / rate(redis)))
                        .append(" |\n");
            }
        }
        if (load.getProperty("baseline_ref") != null) {
            md.append("\nAgainst the code before the change (")
                    .append(load.getProperty("baseline_ref"))
                    .append(", same run; below 1 is faster, above 1 slower):\n\n");
            md.append("| scenario | p50 ratio | p99 ratio | throughput ratio |\n|---|---|---|---|\n");
            for (String scenario : List.of("b1-c1", "b1-c8", "b1-c32", "b100-c1", "b500-c1")) {
                JsonNode now = runs.get("featureduck-" + scenario);
                JsonNode before = runs.get("before-" + scenario);
                if (now != null && before != null) {
                    md.append(String.format(
                            "| %s | %.2f | %.2f | %.2f |%n",
                            scenario,
                            now.get("p50_us").asDouble() / before.get("p50_us").asDouble(),
                            now.get("p99_us").asDouble() / before.get("p99_us").asDouble(),
                            rate(now) / rate(before)));
                }
            }
        }
        Files.writeString(Path.of(args[2]), md.toString());
        System.out.println(md);
    }

    /**
     * The wrk result lines of {@code results} (JSON, one per line) labelled {@code "<server> <scenario>"}, by scenario
     * and then server, in the order they first appear.
     */
    static Map<String, Map<String, List<JsonNode>>> byScenario(Path results) throws IOException {
        Map<String, Map<String, List<JsonNode>>> runs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(results)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode run = JSON.readTree(line);
            String[] label = run.get("label").asText().split(" ", 2);
            runs.computeIfAbsent(label[1], s -> new LinkedHashMap<>())
                    .computeIfAbsent(label[0], s -> new ArrayList<>())
                    .add(run);
        }
        return runs;
    }

    /**
     * Each figure's median over the rounds of one scenario: {@code p50_us}, {@code p99_us}, {@code p999_us},
     * {@code requests} per second (over a {@code duration_us} of one second) and the {@code errors} of all rounds.
     */
    static JsonNode median(List<JsonNode> runs) {
        ObjectNode median = JSON.createObjectNode();
        median.put("label", runs.get(0).get("label").asText());
        median.put("rounds", runs.size());
        for (String field : List.of("p50_us", "p99_us", "p999_us")) {
            median.put(
                    field,
                    middle(runs.stream()
                            .mapToDouble(r -> r.get(field).asDouble())
                            .sorted()
                            .toArray()));
        }
        median.put(
                "errors", runs.stream().mapToLong(r -> r.get("errors").asLong()).sum());
        if (runs.stream().allMatch(r -> r.has("alloc_bytes"))) {
            median.put(
                    "alloc_per_request",
                    middle(runs.stream()
                            .mapToDouble(r -> r.get("alloc_bytes").asDouble()
                                    / Math.max(1, r.get("requests").asDouble()))
                            .sorted()
                            .toArray()));
        }
        median.put("duration_us", 1_000_000);
        median.put(
                "requests",
                middle(runs.stream().mapToDouble(BenchReport::rate).sorted().toArray()));
        return median;
    }

    private static final String HEADER =
            "| first | server | p50 ms | p99 ms | p99.9 ms | req/s | errors | p99 vs floor "
                    + "| req/s vs floor | alloc B/req |\n|---|---|---|---|---|---|---|---|---|---|\n";

    private static long indexHeap(Properties load, String prefix) {
        return Long.parseLong(load.getProperty(prefix + "heap_after_gc_bytes"))
                - Long.parseLong(load.getProperty("heap_baseline_bytes"));
    }

    private static double heapRatio(Properties load, String prefix) {
        return indexHeap(load, prefix) / Double.parseDouble(load.getProperty(prefix + "raw_bytes"));
    }

    /** The performance targets of the online path, each against its figure from this run. */
    private static void targets(StringBuilder md, Map<String, JsonNode> runs, Properties load) {
        md.append("\n### Targets\n\n| target | measured | met |\n|---|---|---|\n");
        JsonNode fd1 = runs.get("featureduck-b1-c1");
        JsonNode floor1 = runs.get("floor-b1-c1");
        JsonNode fd8 = runs.get("featureduck-b1-c8");
        JsonNode floor8 = runs.get("floor-b1-c8");
        if (fd1 != null && floor1 != null) {
            ratio(
                    md,
                    "1 x 50, 1 connection: p50 <= 1.3x floor",
                    fd1.get("p50_us").asDouble() / floor1.get("p50_us").asDouble(),
                    1.3,
                    true);
            ratio(
                    md,
                    "1 x 50, 1 connection: p99 <= 1.5x floor",
                    fd1.get("p99_us").asDouble() / floor1.get("p99_us").asDouble(),
                    1.5,
                    true);
        }
        if (fd8 != null && floor8 != null) {
            ratio(md, "1 x 50, 8 connections: req/s >= 0.6x floor", rate(fd8) / rate(floor8), 0.6, false);
            if (fd8.has("alloc_per_request") && floor8.has("alloc_per_request")) {
                double own = fd8.get("alloc_per_request").asDouble()
                        - floor8.get("alloc_per_request").asDouble();
                JsonNode core8 = runs.get("core-b1-c8");
                md.append(String.format(
                        "| 1 x 50: allocation <= 2 KB per request | %.0f B in total; %.0f B beyond the "
                                + "floor's %.0f B%s | %s |%n",
                        fd8.get("alloc_per_request").asDouble(),
                        own,
                        floor8.get("alloc_per_request").asDouble(),
                        core8 == null || !core8.has("alloc_per_request")
                                ? ""
                                : String.format(
                                        " (Vert.x core alone: %.0f B)",
                                        core8.get("alloc_per_request").asDouble()),
                        fd8.get("alloc_per_request").asDouble() <= 2048 ? "yes" : "no"));
            }
        }
        absolute(md, "batch 100, 1 connection: p99 <= 2 ms", runs.get("featureduck-b100-c1"), 2.0);
        absolute(md, "batch 500, 1 connection: p99 <= 8 ms", runs.get("featureduck-b500-c1"), 8.0);
        absolute(md, "250 features, 1 entity: p99 <= 1 ms", runs.get("featureduck-wide-c1"), 1.0);
        if (load.getProperty("raw_bytes") != null) {
            ratio(md, "numeric index heap <= 1.2x raw value bytes", heapRatio(load, ""), 1.2, true);
        }
        if (load.getProperty("strings_raw_bytes") != null) {
            ratio(md, "string-heavy index heap <= 1.6x raw value bytes", heapRatio(load, "strings_"), 1.6, true);
        }
        double ready = Double.parseDouble(load.getProperty("ready_seconds"));
        md.append(String.format(
                "| 1M entities x 5 views x 5 versions ready <= 8 s | %.2f s | %s |%n",
                ready, ready <= 8 ? "yes" : "no"));
    }

    private static void ratio(StringBuilder md, String target, double measured, double bound, boolean atMost) {
        md.append(String.format(
                "| %s | %.2fx | %s |%n",
                target, measured, (atMost ? measured <= bound : measured >= bound) ? "yes" : "no"));
    }

    private static void absolute(StringBuilder md, String target, JsonNode run, double boundMillis) {
        if (run != null) {
            double p99 = run.get("p99_us").asDouble() / 1000;
            md.append(String.format("| %s | %.3f ms | %s |%n", target, p99, p99 <= boundMillis ? "yes" : "no"));
        }
    }

    private static double middle(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String mib(String bytes) {
        return bytes == null ? "n/a" : String.format("%.1f MiB", Long.parseLong(bytes) / 1048576.0);
    }

    private static double rate(JsonNode run) {
        return run.get("requests").asDouble() / (run.get("duration_us").asDouble() / 1e6);
    }

    private static void line(StringBuilder md, String first, String server, JsonNode run, JsonNode floor) {
        md.append(String.format(
                "| %s | %s | %.3f | %.3f | %.3f | %.0f | %d | %s | %s | %s |%n",
                first,
                server,
                run.get("p50_us").asDouble() / 1000,
                run.get("p99_us").asDouble() / 1000,
                run.get("p999_us").asDouble() / 1000,
                rate(run),
                run.get("errors").asLong(),
                floor == null
                        ? "n/a"
                        : String.format(
                                "%.2fx",
                                run.get("p99_us").asDouble()
                                        / floor.get("p99_us").asDouble()),
                floor == null ? "n/a" : String.format("%.2fx", rate(run) / rate(floor)),
                run.has("alloc_per_request")
                        ? String.format("%.0f", run.get("alloc_per_request").asDouble())
                        : "n/a"));
    }

    private BenchReport() {}
}
