package io.featureduck.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.OnDemandExpressions;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.ondemand.EvaluationBudget;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.ondemand.OnDemandLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the evaluation budget costs an on-demand feature, against a baseline in the same run: the same compiled CEL
 * expression evaluated by cel-java itself, without budget or value conversion. Then how long an expression quadratic
 * in its request data runs before the budget stops it (one request's worth of event-loop time).
 *
 * <p>Usage: {@code OnDemandBench [evaluations per round] [rounds]}; prints a Markdown table.
 */
public final class OnDemandBench {
    private static final String SPEC = """
            {"store": "bench", "source": {"path": "t", "timestampColumn": "ts"},
             "entities": [{"name": "driver_id", "type": "int64"}],
             "features": [{"name": "conv_rate", "type": "float64"}],
             "requestData": [{"name": "val_to_add", "type": "int64"}, {"name": "items", "type": "list<int64>"}],
             "onDemand": [
               {"name": "conv_rate_plus_val1", "type": "float64", "expression": "conv_rate + double(request.val_to_add)"},
               {"name": "repeated", "type": "int64",
                "expression": "request.items.map(x, request.items.filter(y, y == x).size()).size()"}]}
            """;

    private OnDemandBench() {}

    public static void main(String[] args) throws Exception {
        int evaluations = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        FeatureViewSpec spec = new ObjectMapper().readValue(SPEC, FeatureViewSpec.class);
        OnDemandFeature plus = OnDemandFeature.compile(spec).get(0);
        OnDemandFeature quadratic = OnDemandFeature.compile(spec).get(1);
        CelRuntime.Program raw = CelRuntimeFactory.standardCelRuntimeBuilder()
                .build()
                .createProgram(OnDemandExpressions.compile(spec).get(0).ast());
        OnDemandLimits limits = OnDemandLimits.defaults();

        double[] baseline = new double[rounds];
        double[] budgeted = new double[rounds];
        double sink = 0;
        for (int round = -1; round < rounds; round++) {
            // Interleaved, the first round of each only warming up.
            long start = System.nanoTime();
            for (int i = 0; i < evaluations; i++) {
                sink += (Double) raw.eval(Map.of("conv_rate", 0.25 + (i & 7), "request.val_to_add", (long) i));
            }
            long rawNanos = System.nanoTime() - start;
            start = System.nanoTime();
            EvaluationBudget budget = null;
            for (int i = 0; i < evaluations; i++) {
                // One budget per 1,000 entities, as the online path spends one per request.
                budget = i % 1000 == 0 ? limits.budget() : budget;
                final int n = i;
                sink += (Double) plus.evaluate(f -> 0.25 + (n & 7), r -> (long) n, budget);
            }
            long budgetNanos = System.nanoTime() - start;
            if (round >= 0) {
                baseline[round] = (double) rawNanos / evaluations;
                budgeted[round] = (double) budgetNanos / evaluations;
            }
        }

        List<Long> items = new ArrayList<>();
        for (long i = 0; i < 2_000; i++) {
            items.add(i);
        }
        long[] stopped = new long[20];
        for (int i = 0; i < stopped.length; i++) {
            long start = System.nanoTime();
            try {
                quadratic.evaluate(f -> 0.5, r -> r.equals("items") ? items : 1L, limits.budget());
                throw new IllegalStateException("the quadratic expression finished within its budget");
            } catch (FeatureDuckException expected) {
                stopped[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(stopped);
        System.out.printf("| measure | FeatureDuck (budgeted) | baseline: cel-java eval, same AST | ratio |%n");
        System.out.printf("|---|---|---|---|%n");
        System.out.printf(
                "| ns per evaluation of `conv_rate + double(request.val_to_add)`, median of %d rounds of "
                        + "%,d | %.0f | %.0f | %.2fx |%n",
                rounds, evaluations, median(budgeted), median(baseline), median(budgeted) / median(baseline));
        System.out.printf(
                "| quadratic expression over 2,000 request items (4M steps unbounded): time until the "
                        + "budget stops it, p50 / max of 20 | %.1f / %.1f ms | | |%n",
                stopped[10] / 1e6, stopped[19] / 1e6);
        System.out.println(sink == 42 ? "" : " ");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
