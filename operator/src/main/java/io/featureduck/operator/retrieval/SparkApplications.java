package io.featureduck.operator.retrieval;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.HistoricalRetrieval;
import io.featureduck.crds.HistoricalRetrievalSpec.Pod;
import io.featureduck.crds.HistoricalRetrievalSpec.SparkSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.operator.dataplane.DataPlaneNames;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubeflow Spark operator's {@code SparkApplication} (sparkoperator.k8s.io/v1beta2) of a HistoricalRetrieval: what
 * the operator creates, and how it reads the application's state back. The plan travels as an argument, so the
 * application needs no ConfigMap volume and with it none of the Spark operator's admission webhook; the lakehouse
 * claim is mounted through Spark's own Kubernetes properties for the same reason.
 */
public final class SparkApplications {
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("sparkoperator.k8s.io")
            .withVersion("v1beta2")
            .withKind("SparkApplication")
            .withPlural("sparkapplications")
            .withNamespaced(true)
            .build();

    /** The Spark version of the job image ({@code images/spark/}), as the Spark operator wants it stated. */
    public static final String SPARK_VERSION = "3.5.7";

    /** Where the job image keeps the job's jar. */
    public static final String JOB_JAR = "local:///opt/spark/jars/featureduck-spark.jar";

    public static final String MAIN_CLASS = "io.featureduck.spark.RetrievalJob";

    private SparkApplications() {}

    /** The application's name: the retrieval's, so {@code kubectl get sparkapplications} reads alike. */
    public static String name(HistoricalRetrieval retrieval) {
        return retrieval.getMetadata().getName();
    }

    /**
     * The application running {@code plan} (the data plane's JSON) for {@code retrieval} of {@code store}, owned by
     * the retrieval so that deleting it deletes the application and its pods.
     */
    public static GenericKubernetesResource of(
            HistoricalRetrieval retrieval, FeatureStore store, String plan, String defaultImage) {
        SparkSpec spark = Optional.ofNullable(retrieval.getSpec().spark())
                .orElse(SparkSpec.DEFAULTS)
                .withDefaults();
        Map<String, String> labels = Map.of(
                "app.kubernetes.io/managed-by",
                DataPlaneNames.MANAGED_BY,
                "app.kubernetes.io/part-of",
                "featureduck",
                "featureduck.io/historical-retrieval",
                name(retrieval),
                DataPlaneNames.STORE_LABEL,
                store.getMetadata().getName());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "Java");
        spec.put("mode", "cluster");
        spec.put("image", spark.image() != null ? spark.image() : defaultImage);
        spec.put("imagePullPolicy", "IfNotPresent");
        spec.put("mainClass", MAIN_CLASS);
        spec.put("mainApplicationFile", JOB_JAR);
        spec.put(
                "arguments",
                List.of("--plan-base64", Base64.getEncoder().encodeToString(plan.getBytes(StandardCharsets.UTF_8))));
        spec.put("sparkVersion", SPARK_VERSION);
        // A retrieval runs once: a failed one is reported, and the user creates a new one.
        spec.put("restartPolicy", Map.of("type", "Never"));
        spec.put("sparkConf", sparkConf(retrieval, store, spark));
        spec.put("driver", pod(spark.driver(), spark.serviceAccount(), labels, false));
        spec.put("executor", pod(spark.executor(), spark.serviceAccount(), labels, true));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(CONTEXT.getGroup() + "/" + CONTEXT.getVersion())
                .withKind(CONTEXT.getKind())
                .withNewMetadata()
                .withName(name(retrieval))
                .withNamespace(retrieval.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(retrieval.getApiVersion())
                        .withKind(retrieval.getKind())
                        .withName(retrieval.getMetadata().getName())
                        .withUid(retrieval.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    private static Map<String, Object> pod(
            Pod pod, String serviceAccount, Map<String, String> labels, boolean executor) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (executor) {
            spec.put("instances", pod.instances());
        }
        spec.put("cores", pod.cores());
        spec.put("memory", pod.memory());
        spec.put("labels", labels);
        if (!executor) {
            spec.put("serviceAccount", serviceAccount);
        }
        return spec;
    }

    /**
     * The user's Spark properties, and a store's lakehouse claim mounted in the driver and executors at the path the
     * data plane reads it from (the plan names tables by that path): read-only, unless the output is written there.
     */
    private static Map<String, String> sparkConf(HistoricalRetrieval retrieval, FeatureStore store, SparkSpec spark) {
        Map<String, String> conf = new LinkedHashMap<>(spark.sparkConf());
        LakehouseSpec lakehouse = store.getSpec().lakehouse();
        if (lakehouse.persistentVolumeClaim() != null) {
            String root = lakehouse.root();
            boolean writes = retrieval.getSpec().output().uri().startsWith(root.endsWith("/") ? root : root + "/");
            for (String role : List.of("driver", "executor")) {
                String volume = "spark.kubernetes." + role + ".volumes.persistentVolumeClaim.lakehouse.";
                conf.put(volume + "options.claimName", lakehouse.persistentVolumeClaim());
                conf.put(volume + "mount.path", root);
                conf.put(volume + "mount.readOnly", Boolean.toString(!writes));
            }
        }
        return conf;
    }

    /** The states a SparkApplication reports in {@code status.applicationState.state}. */
    public enum State {
        NEW,
        SUBMITTED,
        RUNNING,
        COMPLETED,
        FAILED,
        SUBMISSION_FAILED,
        PENDING_RERUN,
        INVALIDATING,
        SUCCEEDING,
        FAILING,
        UNKNOWN;

        static State of(String state) {
            if (state == null || state.isEmpty()) {
                return NEW;
            }
            try {
                return valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return UNKNOWN;
            }
        }

        public boolean isFinal() {
            return this == COMPLETED || this == FAILED || this == SUBMISSION_FAILED;
        }
    }

    /** What an application's status says: its state, why it failed, and its driver pod. */
    public record Observed(State state, String errorMessage, String driverPod) {}

    @SuppressWarnings("unchecked")
    public static Observed observe(GenericKubernetesResource application) {
        Object status = application.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> map)) {
            return new Observed(State.NEW, null, null);
        }
        Map<String, Object> applicationState = (Map<String, Object>) map.get("applicationState");
        Map<String, Object> driver = (Map<String, Object>) map.get("driverInfo");
        return new Observed(
                State.of(applicationState == null ? null : (String) applicationState.get("state")),
                applicationState == null ? null : (String) applicationState.get("errorMessage"),
                driver == null ? null : (String) driver.get("podName"));
    }
}
