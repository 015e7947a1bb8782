package io.featureduck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A markdown table comparing two variants of the same server, scenario by scenario, from wrk result lines labelled
 * {@code "<variant> <scenario>"}: the median of each figure over the rounds, and the ratio of the candidate to the
 * baseline. Usage: {@code PairReport <results.jsonl> <baseline> <candidate> <machine>}.
 */
public final class PairReport {
    private PairReport() {}

    public static void main(String[] args) throws IOException {
        String baseline = args[1];
        String candidate = args[2];
        Map<String, Map<String, List<JsonNode>>> runs = BenchReport.byScenario(Path.of(args[0]));
        StringBuilder md = new StringBuilder("# " + candidate + " vs " + baseline + "\n\nMachine: " + args[3]
                + ". Each " + "figure is the median of the interleaved rounds; ratios are " + candidate + " / "
                + baseline + ".\n\n");
        md.append("| scenario (batch, connections) | p50 ms ")
                .append(baseline)
                .append(" | p50 ms ")
                .append(candidate)
                .append(" | p99 ms ")
                .append(baseline)
                .append(" | p99 ms ")
                .append(candidate)
                .append(" | req/s ")
                .append(baseline)
                .append(" | req/s ")
                .append(candidate)
                .append(" | p99 ratio | throughput ratio | errors |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<JsonNode>>> scenario : runs.entrySet()) {
            JsonNode base = BenchReport.median(scenario.getValue().get(baseline));
            JsonNode cand = BenchReport.median(scenario.getValue().get(candidate));
            double baseP99 = base.get("p99_us").asDouble() / 1000;
            double candP99 = cand.get("p99_us").asDouble() / 1000;
            double baseRate = base.get("requests").asDouble();
            double candRate = cand.get("requests").asDouble();
            md.append(String.format(
                    "| %s | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.2f | %.2f | %d |%n",
                    scenario.getKey(),
                    base.get("p50_us").asDouble() / 1000,
                    cand.get("p50_us").asDouble() / 1000,
                    baseP99,
                    candP99,
                    baseRate,
                    candRate,
                    candP99 / baseP99,
                    candRate / baseRate,
                    base.get("errors").asLong() + cand.get("errors").asLong()));
        }
        System.out.print(md);
    }
}
