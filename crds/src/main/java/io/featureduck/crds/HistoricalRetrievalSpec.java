package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.featureduck.spark.RetrievalPlan;
import java.util.List;
import java.util.Map;

/**
 * What to retrieve and where to write it. A retrieval runs once, so its spec cannot change: create another.
 *
 * @param store            the FeatureStore (in this namespace) whose views the features come from
 * @param features         {@code view:feature} references; or {@code featureService}
 * @param featureService   a FeatureService's name instead of {@code features}
 * @param entityRows       the entity table; or {@code timeRange}
 * @param timeRange        instead of an entity table, every entity and event time of the views in {@code [start, end)}
 * @param output           where the training set is written
 * @param fullFeatureNames name columns {@code view__feature}
 * @param spark            the Spark application's image and resources
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.features) != has(self.featureService)",
        message = "name the features or a featureService, not both",
        fieldPath = ".features")
@ValidationRule(
        value = "has(self.entityRows) != has(self.timeRange)",
        message = "give entityRows or a timeRange, not both",
        fieldPath = ".entityRows")
@ValidationRule(
        value = "self == oldSelf",
        message = "a retrieval runs once and its spec cannot change: create another HistoricalRetrieval")
public record HistoricalRetrievalSpec(
        @Required
        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Name of the FeatureStore (in this namespace) that serves the views")
        String store,

        @Size(min = 1, max = SpecValidator.MAX_SERVICE_FEATURES)
        @JsonPropertyDescription("view:feature references; or featureService")
        List<@Size(max = 2 * SpecValidator.MAX_NAME_LENGTH + 1) String> features,

        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Name of a FeatureService (in this namespace) instead of features")
        String featureService,

        @JsonPropertyDescription("The entity table: join keys, event_timestamp and any other columns")
        EntityRows entityRows,

        @JsonPropertyDescription("Instead of an entity table: every key and event time of the views in [start, end)")
        TimeRange timeRange,

        @Required @JsonPropertyDescription("Where the training set is written")
        Output output,

        @JsonPropertyDescription("Name columns view__feature instead of feature")
        Boolean fullFeatureNames,

        @JsonPropertyDescription("The Spark application's image and resources")
        SparkSpec spark) {

    public HistoricalRetrievalSpec {
        features = features == null ? null : List.copyOf(features);
    }

    /**
     * An entity table on the lakehouse or object storage.
     *
     * @param uri    an absolute path or a URI of a file system Spark reads ({@code s3://}, {@code gs://},
     *               {@code abfss://})
     * @param format {@code parquet} (default) or {@code csv} with a header
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EntityRows(
            @Required @Size(min = 1, max = 2048) @JsonPropertyDescription("Path or URI of the entity table")
            String uri,

            @JsonPropertyDescription("parquet (default) or csv with a header")
            RetrievalPlan.EntityFormat format) {}

    /** Feast's {@code start_date} and {@code end_date}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(
            value = "!has(self.end) || timestamp(self.start) < timestamp(self.end)",
            message = "the time range is empty: start must be before end")
    public record TimeRange(
            @Required
            @Pattern(TIME_PATTERN)
            @JsonPropertyDescription("First event time included, RFC 3339 (2026-01-01T00:00:00Z)")
            String start,

            @Pattern(TIME_PATTERN)
            @JsonPropertyDescription("Event times before this are included (default: when the retrieval is planned)")
            String end) {}

    /** RFC 3339 as CEL's {@code timestamp()} takes it. */
    public static final String TIME_PATTERN =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

    /**
     * Where the training set goes; the path must not exist yet.
     *
     * @param format {@code parquet} (default) or {@code delta}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(
            @Required @Size(min = 1, max = 2048) @JsonPropertyDescription("Path or URI to write; must not exist")
            String uri,

            @JsonPropertyDescription("parquet (default) or delta")
            RetrievalPlan.OutputFormat format) {}

    /**
     * The Spark application, as the Spark operator's {@code SparkApplication} takes it. Defaults:
     * {@link SparkSpec#DEFAULTS}.
     *
     * @param image          the job image ({@code images/spark/}); the operator's FEATUREDUCK_SPARK_IMAGE by default
     * @param serviceAccount the driver's ServiceAccount, which must be allowed to create executor pods
     * @param driver         the driver's cores and memory
     * @param executor       executors: how many, cores and memory each
     * @param sparkConf      Spark properties, such as object-store credentials providers
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SparkSpec(
            @Size(max = 512) @JsonPropertyDescription("Job image (default: the operator's FEATUREDUCK_SPARK_IMAGE)")
            String image,

            @Pattern(SpecValidator.NAME_PATTERN)
            @JsonPropertyDescription("ServiceAccount of the driver, allowed to create executor pods (default spark)")
            String serviceAccount,

            @JsonPropertyDescription("Driver cores and memory (default 1 core, 2g)")
            Pod driver,

            @JsonPropertyDescription("Executors: instances, cores and memory each (default 2 x 1 core, 4g)")
            Pod executor,

            @JsonPropertyDescription("Spark properties, e.g. object-store credentials")
            Map<String, String> sparkConf) {

        /** Every default of a Spark application, stated once. */
        public static final SparkSpec DEFAULTS =
                new SparkSpec(null, "spark", new Pod(null, 1, "2g"), new Pod(2, 1, "4g"), Map.of());

        public SparkSpec {
            sparkConf = sparkConf == null ? null : Map.copyOf(sparkConf);
        }

        /** This spec with {@link #DEFAULTS} where it says nothing. */
        public SparkSpec withDefaults() {
            return new SparkSpec(
                    image,
                    serviceAccount != null ? serviceAccount : DEFAULTS.serviceAccount,
                    Pod.merge(driver, DEFAULTS.driver),
                    Pod.merge(executor, DEFAULTS.executor),
                    sparkConf != null ? sparkConf : DEFAULTS.sparkConf);
        }
    }

    /** A driver's or executors' share: how many (executors only), cores and memory ({@code 512m}, {@code 4g}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pod(
            @io.fabric8.generator.annotation.Min(1)
            @io.fabric8.generator.annotation.Max(1000)
            @JsonPropertyDescription("Executors to run (executor only)")
            Integer instances,

            @io.fabric8.generator.annotation.Min(1)
            @io.fabric8.generator.annotation.Max(64)
            @JsonPropertyDescription("Cores")
            Integer cores,

            @Pattern("^[0-9]+[kmgt]?$") @JsonPropertyDescription("Memory as Spark takes it: 512m, 4g")
            String memory) {

        static Pod merge(Pod given, Pod defaults) {
            if (given == null) {
                return defaults;
            }
            return new Pod(
                    given.instances != null ? given.instances : defaults.instances,
                    given.cores != null ? given.cores : defaults.cores,
                    given.memory != null ? given.memory : defaults.memory);
        }
    }
}
