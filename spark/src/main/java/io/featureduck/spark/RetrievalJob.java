package io.featureduck.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark application of a HistoricalRetrieval: runs each plan it is given ({@code --plan <file>} or
 * {@code --plan-base64 <plan>}, repeatable) and prints one report per plan. The operator passes the plan inline, so
 * the application needs no volume, ConfigMap or admission webhook of the Spark operator.
 */
public final class RetrievalJob {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** Each report's line in the driver's output starts with this. */
    public static final String REPORT_PREFIX = "featureduck-retrieval-report ";

    /** Kubernetes shows this file's content as the container's termination message, where the operator reads it. */
    private static final Path TERMINATION_LOG = Path.of("/dev/termination-log");

    private RetrievalJob() {}

    public static void main(String[] args) throws IOException {
        List<RetrievalPlan> plans = plans(args);
        SparkSession spark = SparkSession.builder()
                .appName("featureduck-retrieval")
                .config(sessionDefaults(new SparkConf()))
                .getOrCreate();
        try {
            List<RetrievalReport> reports = new ArrayList<>();
            for (RetrievalPlan plan : plans) {
                RetrievalReport report = new PlanRun(spark, plan).run();
                reports.add(report);
                System.out.println(REPORT_PREFIX + JSON.writeValueAsString(report));
            }
            if (Files.isWritable(TERMINATION_LOG)) {
                // One report for the usual one plan; Kubernetes keeps the first 4 KiB of a termination message.
                Files.writeString(TERMINATION_LOG, JSON.writeValueAsString(reports.get(reports.size() - 1)));
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * What every retrieval needs of the session, where the submission did not say otherwise: UTC (entity-row and
     * event times are instants, compared and written as such), timestamps written as Parquet's microsecond type rather
     * than the legacy INT96, and the Delta and Hudi session extensions and Delta's catalog, which their readers expect.
     */
    static SparkConf sessionDefaults(SparkConf conf) {
        conf.setIfMissing("spark.sql.session.timeZone", "UTC");
        conf.setIfMissing("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing(
                "spark.sql.extensions",
                "io.delta.sql.DeltaSparkSessionExtension,org.apache.spark.sql.hudi.HoodieSparkSessionExtension");
        conf.setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // Iceberg's reader loads a table by path through its default catalog, which is Hive's unless set; the job
        // names no tables, so an in-memory catalog spares the image Hive's metastore client.
        if (!conf.contains("spark.sql.catalog.default_iceberg")) {
            conf.set("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog");
            conf.set("spark.sql.catalog.default_iceberg.catalog-impl", "org.apache.iceberg.inmemory.InMemoryCatalog");
        }
        return conf;
    }

    static List<RetrievalPlan> plans(String[] args) throws IOException {
        List<RetrievalPlan> plans = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value; usage: " + usage());
            }
            byte[] plan = switch (args[i]) {
                case "--plan" -> Files.readAllBytes(Path.of(value));
                case "--plan-base64" -> Base64.getDecoder().decode(value);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: " + usage());
            };
            plans.add(parse(new String(plan, StandardCharsets.UTF_8)));
            i++;
        }
        if (plans.isEmpty()) {
            throw new IllegalArgumentException(
                    "no plan given; usage: " + usage() + "; arguments were " + Arrays.toString(args));
        }
        return plans;
    }

    static RetrievalPlan parse(String json) throws IOException {
        RetrievalPlan plan = JSON.readValue(json, RetrievalPlan.class);
        if (!RetrievalPlan.FORMAT.equals(plan.format())) {
            throw new IllegalArgumentException("this job runs plans of format " + RetrievalPlan.FORMAT + ", not '"
                    + plan.format() + "': use the job image of the data plane's release");
        }
        if (plan.sql() == null || plan.entities() == null || plan.output() == null) {
            throw new IllegalArgumentException(
                    "the plan lacks " + (plan.sql() == null ? "sql" : plan.entities() == null ? "entities" : "output"));
        }
        return plan;
    }

    private static String usage() {
        return "RetrievalJob (--plan <file> | --plan-base64 <plan>)...";
    }
}
