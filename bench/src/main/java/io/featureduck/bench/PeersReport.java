package io.featureduck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The markdown report of {@code bench/peers.sh}: FeatureDuck beside Feast's own feature server and the Vert.x floor,
 * scenario by scenario, from wrk result lines labelled {@code "<server> <scenario>"} (the median of each figure over
 * the interleaved rounds), and the time each took from the same table to serving it.
 *
 * <p>Usage: {@code PeersReport <results.jsonl> <facts.properties> <machine>}; the properties hold
 * {@code entities}, {@code features}, {@code featureduck_ready_seconds}, {@code feast_apply_seconds},
 * {@code feast_materialize_seconds}, {@code feast_workers} and {@code go_feature_server} (why it is not measured, or
 * empty).
 */
public final class PeersReport {
    private static final List<String> SERVERS =
            List.of("featureduck", "feast", "floor", "featureduck-grpc", "feast-grpc");

    private PeersReport() {}

    public static void main(String[] args) throws IOException {
        Map<String, Map<String, List<JsonNode>>> runs = BenchReport.byScenario(Path.of(args[0]));
        Properties facts = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[1]))) {
            facts.load(in);
        }
        StringBuilder md =
                new StringBuilder("# FeatureDuck and Feast's own feature server, same table, same requests\n\n");
        md.append("Machine: ").append(args[2]).append(".\n\n");
        md.append(String.format(
                "One view of %s float64 features over %s entities, one Parquet file both read. FeatureDuck serves the "
                        + "file itself; Feast's Python feature server (`feast serve`, %s workers, feast 0.67.0) serves "
                        + "what `feast materialize` wrote to Redis (Debian's redis-server). The floor is a bare Vert.x "
                        + "route returning FeatureDuck's answer, pre-recorded. Each figure is the median of the "
                        + "interleaved rounds; requests are Feast's `POST /get-online-features` with "
                        + "`full_feature_names`, random entities, measured with wrk; the `grpc-` scenarios send the "
                        + "same request as `GrpcFeatureServer/GetOnlineFeatures` with grpc-java (OnlineLoad), to "
                        + "FeatureDuck's gRPC port and to Feast's Python gRPC feature server (`feast listen`, 8 threads) "
                        + "over the same Redis.%n%n",
                facts.getProperty("features"), facts.getProperty("entities"), facts.getProperty("feast_workers")));
        md.append("| from the table to serving | seconds |\n|---|---|\n");
        md.append(String.format(
                "| FeatureDuck: process start to ready (reads the table, builds its index) | %s |%n",
                facts.getProperty("featureduck_ready_seconds")));
        md.append(String.format(
                "| Feast: `feast apply` (registry) | %s |%n| Feast: `feast materialize` (table to Redis) | %s |%n",
                facts.getProperty("feast_apply_seconds"), facts.getProperty("feast_materialize_seconds")));
        md.append("\n| scenario (batch, connections) | server | p50 ms | p99 ms | req/s | errors "
                + "| p99 vs Feast | req/s vs Feast |\n|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<JsonNode>>> scenario : runs.entrySet()) {
            // Each scenario's Feast server of the same protocol is the reference of its ratios.
            List<JsonNode> reference = scenario.getValue().containsKey("feast")
                    ? scenario.getValue().get("feast")
                    : scenario.getValue().get("feast-grpc");
            JsonNode feast = reference == null ? null : BenchReport.median(reference);
            for (String server : SERVERS) {
                List<JsonNode> measured = scenario.getValue().get(server);
                if (measured == null) {
                    continue;
                }
                JsonNode median = BenchReport.median(measured);
                double p99 = median.get("p99_us").asDouble() / 1000;
                double rate = median.get("requests").asDouble();
                md.append(String.format(
                        "| %s | %s | %.3f | %.3f | %.0f | %d | %s | %s |%n",
                        scenario.getKey(),
                        server,
                        median.get("p50_us").asDouble() / 1000,
                        p99,
                        rate,
                        median.get("errors").asLong(),
                        feast == null
                                ? ""
                                : String.format(
                                        "%.2f", p99 / (feast.get("p99_us").asDouble() / 1000)),
                        feast == null
                                ? ""
                                : String.format(
                                        "%.2f", rate / feast.get("requests").asDouble())));
            }
        }
        String go = facts.getProperty("go_feature_server", "");
        if (!go.isBlank()) {
            md.append("\nFeast's Go feature server is not measured: ")
                    .append(go)
                    .append('\n');
        }
        System.out.print(md);
    }
}
