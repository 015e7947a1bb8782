package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.HistoricalRetrieval;
import io.featureduck.crds.HistoricalRetrievalSpec;
import io.featureduck.crds.HistoricalRetrievalStatus;
import io.featureduck.operator.apiserver.ControlPlane;
import io.featureduck.operator.apiserver.Manifests;
import io.featureduck.operator.apiserver.RealApiServer;
import io.featureduck.operator.apiserver.StandInKubelet;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.retrieval.SparkApplications;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.store.FeatureStoreReconciler;
import io.featureduck.spark.LocalSpark;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator on a real API server, with the chart's ServiceAccount and ClusterRole: it reconciles the examples'
 * store, views and service with server-side apply, writes status through the status subresource, keeps ownership of
 * the fields it manages, records Events, and deleting the store leaves no orphan (the controller manager's garbage
 * collector removes what the store owned). The data-plane pods the controller manager creates are run by the test,
 * standing in for the kubelet, so the view status and Argo CD health come from real serving pods.
 */
@ExtendWith(RealApiServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorOnApiServerIT {
    static final String NAMESPACE = "drivers-on-apiserver";
    static final String STORE = "drivers";
    static final Duration PATIENCE = Duration.ofSeconds(120);
    static final ObjectMapper JSON = new ObjectMapper();

    static ControlPlane plane;
    static ExampleStoreOnApiServer example;
    static KubernetesClient admin;
    static Path work;
    static Process operator;
    static StandInKubelet kubelet;
    static String token;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start(ControlPlane controlPlane) throws Exception {
        plane = controlPlane;
        admin = plane.admin();
        example = ExampleStoreOnApiServer.start(plane, NAMESPACE, "operator-on-apiserver", "featureduck-operator-0");
        work = example.work();
        operator = example.operator();
        kubelet = example.kubelet();
        token = example.token();
        Path lakehouse = example.lakehouse();

        // The examples' store, with its root where the stand-in claim is, and its views and service, applied as
        // kubectl apply --server-side would.
        ObjectNode store = Manifests.example("examples/kubernetes/feature-store.yaml", STORE);
        ((ObjectNode) store.at("/spec/lakehouse")).put("root", lakehouse.toString());
        apply(store);
        for (JsonNode document :
                Manifests.documents(Manifests.ROOT.resolve("examples/kubernetes/feature-views.yaml"))) {
            apply(document);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (example != null) {
            example.close();
        }
    }

    @Test
    @Order(1)
    void theStoreIsReconciledIntoOwnedObjectsWithServerSideApply() {
        Deployment deployment = await().atMost(PATIENCE).until(this::deployment, d -> d != null);
        ConfigMap config = await().atMost(PATIENCE)
                .until(
                        OperatorOnApiServerIT::servingConfig,
                        c -> c != null
                                && c.getData().get(DataPlaneNames.CONFIG_FILE).contains("driver-ranking"));
        var service = await().atMost(PATIENCE)
                .until(
                        () -> admin.services()
                                .inNamespace(NAMESPACE)
                                .withName(DataPlaneNames.dataPlane(STORE))
                                .get(),
                        s -> s != null);
        var budget = await().atMost(PATIENCE)
                .until(
                        () -> admin.policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(NAMESPACE)
                                .withName(DataPlaneNames.dataPlane(STORE))
                                .get(),
                        b -> b != null);
        FeatureStore owner = store();
        for (HasMetadata owned : List.of(deployment, config, service, budget)) {
            assertThat(owned.getMetadata().getOwnerReferences())
                    .as(
                            "%s %s is owned by its store",
                            owned.getKind(), owned.getMetadata().getName())
                    .singleElement()
                    .satisfies(o -> {
                        assertThat(o.getUid()).isEqualTo(owner.getMetadata().getUid());
                        assertThat(o.getController()).isTrue();
                    });
            // The framework writes ConfigMaps (and Secrets) with plain updates, which carry the client's name as
            // their field manager; everything else with server-side apply, as the store's reconciler.
            if (owned instanceof ConfigMap) {
                assertThat(owned.getMetadata().getManagedFields())
                        .anyMatch(m -> m.getOperation().equals("Update")
                                && m.getFieldsV1().getAdditionalProperties().containsKey("f:data"));
            } else {
                assertThat(operatorApplies(owned))
                        .as("%s is written by the operator's server-side apply", owned.getKind())
                        .isNotEmpty();
            }
        }
    }

    @Test
    @Order(2)
    void theControllerManagersPodsServeAndStatusComesFromThem() throws Exception {
        // The controller manager turned the Deployment into a ReplicaSet and Pods; the stand-in kubelet runs them.
        await().atMost(PATIENCE).until(() -> readyPods().size() == 2);
        FeatureStore store = await().atMost(PATIENCE)
                .until(
                        OperatorOnApiServerIT::store,
                        s -> ready(s.getStatus() == null ? null : s.getStatus().conditions()));
        assertThat(store.getStatus().observedGeneration())
                .isEqualTo(store.getMetadata().getGeneration());
        for (String name : List.of("driver-stats", "driver-profile")) {
            FeatureView view = await().atMost(PATIENCE)
                    .until(
                            () -> view(name),
                            v -> v.getStatus() != null && ready(v.getStatus().conditions()));
            assertThat(view.getStatus().observedGeneration())
                    .isEqualTo(view.getMetadata().getGeneration());
            assertThat(ArgoHealth.of(view).status()).as(name).isEqualTo("Healthy");
            assertThat(statusWrites(view))
                    .as("%s's status went through the status subresource", name)
                    .isNotEmpty();
        }
        assertThat(ArgoHealth.of(store).status()).isEqualTo("Healthy");
        assertThat(statusWrites(store)).isNotEmpty();

        // Each pod answers on its own address and the Deployment's ports.
        for (Pod pod : readyPods()) {
            String address = pod.getStatus().getPodIP();
            assertThat(address).startsWith("127.0.0.");
            JsonNode answer = onlineFeatures(address, "\"driver-stats:conv_rate\", \"driver-profile:vehicle_type\"");
            assertThat(answer.at("/results/1/statuses/0").asText()).isEqualTo("PRESENT");
            assertThat(answer.at("/results/2/statuses/0").asText()).isEqualTo("PRESENT");
        }
    }

    @Test
    @Order(3)
    void aChangedViewReachesStatusWithItsGenerationAndTheRunningPods() throws Exception {
        long before = view("driver-stats").getMetadata().getGeneration();
        ObjectNode changed = Manifests.example("examples/kubernetes/feature-views.yaml", "driver-stats");
        ((com.fasterxml.jackson.databind.node.ArrayNode) changed.at("/spec/features"))
                .addObject()
                .put("name", "trips_per_week")
                .put("type", "int64")
                .put("expression", "avg_daily_trips * 7");
        apply(changed);
        FeatureView view = await().atMost(PATIENCE)
                .until(
                        () -> view("driver-stats"),
                        v -> v.getMetadata().getGeneration() > before
                                && v.getStatus() != null
                                && v.getStatus().observedGeneration()
                                        == v.getMetadata().getGeneration()
                                && ready(v.getStatus().conditions()));
        assertThat(view.getMetadata().getGeneration()).isEqualTo(before + 1);
        String address = readyPods().get(0).getStatus().getPodIP();
        await().atMost(PATIENCE)
                .until(() -> onlineFeatures(address, "\"driver-stats:trips_per_week\"")
                        .at("/results/1/statuses/0")
                        .asText()
                        .equals("PRESENT"));
    }

    @Test
    @Order(4)
    void theOperatorKeepsTheFieldsItManagesWhenAUserEditsThem() {
        int replicas = deployment().getSpec().getReplicas();
        // A user scales the Deployment by hand (an update, which takes the field's ownership) and labels it with
        // their own server-side apply (a field the operator does not manage).
        admin.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(DataPlaneNames.dataPlane(STORE))
                .edit(d -> {
                    d.getSpec().setReplicas(replicas + 3);
                    return d;
                });
        Deployment labelled = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata()
                .withName(DataPlaneNames.dataPlane(STORE))
                .withNamespace(NAMESPACE)
                .addToLabels("team", "ranking")
                .endMetadata()
                .build();
        admin.resource(labelled).fieldManager("a-user").serverSideApply();

        Deployment restored = await().atMost(PATIENCE)
                .until(this::deployment, d -> d.getSpec().getReplicas() == replicas);
        assertThat(operatorApplies(restored))
                .as("the operator owns spec.replicas again")
                .anyMatch(m ->
                        m.getFieldsV1().getAdditionalProperties().toString().contains("f:replicas"));
        assertThat(restored.getMetadata().getLabels()).containsEntry("team", "ranking");

        // The serving configuration, which the framework writes with plain updates, is restored too.
        String served = servingConfig().getData().get(DataPlaneNames.CONFIG_FILE);
        servingConfigResource().edit(c -> {
            c.getData().put(DataPlaneNames.CONFIG_FILE, "# edited by hand\n");
            return c;
        });
        await().atMost(PATIENCE)
                .until(() -> served.equals(servingConfig().getData().get(DataPlaneNames.CONFIG_FILE)));
    }

    private static ConfigMap servingConfig() {
        return servingConfigResource().get();
    }

    /** The store's serving ConfigMap, named as the operator names it. */
    private static io.fabric8.kubernetes.client.dsl.Resource<ConfigMap> servingConfigResource() {
        return admin.configMaps().inNamespace(NAMESPACE).withName(STORE + "-serving-config");
    }

    @Test
    @Order(5)
    void theOperatorRecordsEvents() {
        await().atMost(PATIENCE)
                .until(() -> admin.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                        .anyMatch(e -> e.getInvolvedObject().getKind().equals("FeatureStore")
                                || e.getInvolvedObject().getKind().equals("FeatureView")));
    }

    /**
     * With the Spark operator's own CRD installed, a HistoricalRetrieval becomes a SparkApplication the real API
     * server accepts against that schema; this test stands in for the Spark operator (running the application's
     * arguments on a local Spark, writing what it and the driver's kubelet would write through the status
     * subresources). A succeeded and a failed application reach the retrieval's status, and deleting a retrieval
     * deletes its application through the garbage collector.
     */
    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void historicalRetrievalsRunAsSparkApplications() throws Exception {
        Manifests.installCrds(admin, plane.sparkOperatorCrds());
        admin.getKubernetesSerialization().registerKubernetesResource(HistoricalRetrieval.class);
        java.time.Instant start = java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                .minus(Duration.ofHours(2));
        // The job refuses to write over an earlier run's output: each run of this test writes its own.
        Path output = work.resolve("recent-hours-" + System.currentTimeMillis());
        // The CRD just installed may take a moment to serve: the operator retries until it can create the application.
        admin.resource(retrieval("recent-hours", start, output))
                .inNamespace(NAMESPACE)
                .create();
        GenericKubernetesResource application = application("recent-hours");
        Map<String, Object> spec =
                (Map<String, Object>) application.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("type", "Java").containsEntry("mode", "cluster");
        assertThat(application.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getController()).isTrue());
        Path log = work.resolve("spark.log");
        Process spark = new ProcessBuilder(LocalSpark.command(
                        Path.of(System.getProperty("featureduck.spark.classpath")), 2, "1g", (List<String>)
                                spec.get("arguments")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(spark.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) && spark.exitValue() == 0)
                .as("the Spark job ran: %s", java.nio.file.Files.readString(log))
                .isTrue();
        String report = LocalSpark.reports(java.nio.file.Files.readString(log)).get(0);
        long rows = JSON.readTree(report).path("rows").asLong();
        assertThat(rows).isGreaterThan(4000);
        // The driver pod as its kubelet reports it: terminated, the job's report as its termination message.
        Pod driver = admin.pods()
                .inNamespace(NAMESPACE)
                .resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                        .withNewMetadata()
                        .withName("recent-hours-driver")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("spark-kubernetes-driver")
                        .withImage("ghcr.io/featureduck/featureduck-spark:0.1.0")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        driver.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase("Succeeded")
                .addNewContainerStatus()
                .withName("spark-kubernetes-driver")
                .withImage("ghcr.io/featureduck/featureduck-spark:0.1.0")
                .withImageID("")
                .withReady(false)
                .withRestartCount(0)
                .withNewState()
                .withNewTerminated()
                .withExitCode(0)
                .withReason("Completed")
                .withMessage(report)
                .endTerminated()
                .endState()
                .endContainerStatus()
                .build());
        admin.pods().inNamespace(NAMESPACE).resource(driver).updateStatus();
        setState(application("recent-hours"), "COMPLETED", null, "recent-hours-driver");
        HistoricalRetrieval succeeded = await().atMost(PATIENCE)
                .until(
                        () -> retrieval("recent-hours"),
                        r -> r.getStatus() != null
                                && r.getStatus().phase() == HistoricalRetrievalStatus.RetrievalPhase.Succeeded);
        assertThat(succeeded.getStatus().rows()).isEqualTo(rows);
        assertThat(succeeded.getStatus().tableVersions())
                .extracting(HistoricalRetrievalStatus.TableVersion::view)
                .contains("driver-stats");
        assertThat(ArgoHealth.of(succeeded).status()).isEqualTo("Healthy");
        // Gone before the store's deletion is checked for orphans; the retrieval keeps what it reported.
        admin.pods().inNamespace(NAMESPACE).withName("recent-hours-driver").delete();

        admin.resource(retrieval("failing", start, work.resolve("failing-" + System.currentTimeMillis())))
                .inNamespace(NAMESPACE)
                .create();
        setState(application("failing"), "FAILED", "executor lost: the node was drained", null);
        HistoricalRetrieval failed = await().atMost(PATIENCE)
                .until(
                        () -> retrieval("failing"),
                        r -> r.getStatus() != null
                                && r.getStatus().phase() == HistoricalRetrievalStatus.RetrievalPhase.Failed);
        assertThat(ArgoHealth.of(failed))
                .isEqualTo(new ArgoHealth.Health(
                        "Degraded", "SparkApplication 'failing' failed: executor lost: the node was drained"));

        admin.resources(HistoricalRetrieval.class)
                .inNamespace(NAMESPACE)
                .withName("failing")
                .delete();
        await().atMost(PATIENCE)
                .until(() -> admin.genericKubernetesResources(SparkApplications.CONTEXT)
                                .inNamespace(NAMESPACE)
                                .withName("failing")
                                .get()
                        == null);
    }

    private static HistoricalRetrieval retrieval(String name, java.time.Instant start, Path output) {
        return HistoricalRetrieval.of(
                name,
                new HistoricalRetrievalSpec(
                        STORE,
                        List.of("driver-stats:conv_rate", "driver-trips:trips_1d"),
                        null,
                        null,
                        new HistoricalRetrievalSpec.TimeRange(start.toString(), null),
                        new HistoricalRetrievalSpec.Output(output.toString(), null),
                        null,
                        null));
    }

    private static HistoricalRetrieval retrieval(String name) {
        return admin.resources(HistoricalRetrieval.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private static GenericKubernetesResource application(String name) {
        return await().atMost(PATIENCE)
                .until(
                        () -> admin.genericKubernetesResources(SparkApplications.CONTEXT)
                                .inNamespace(NAMESPACE)
                                .withName(name)
                                .get(),
                        a -> a != null);
    }

    /** What the Spark operator writes into an application's status subresource. */
    private static void setState(GenericKubernetesResource application, String state, String error, String driverPod) {
        Map<String, Object> applicationState = new java.util.HashMap<>(Map.of("state", state));
        if (error != null) {
            applicationState.put("errorMessage", error);
        }
        // The CRD requires driverInfo, empty until the driver pod exists.
        Map<String, Object> status = Map.of(
                "applicationState",
                applicationState,
                "driverInfo",
                driverPod == null ? Map.of() : Map.of("podName", driverPod));
        application.setAdditionalProperty("status", status);
        admin.genericKubernetesResources(SparkApplications.CONTEXT)
                .inNamespace(NAMESPACE)
                .resource(application)
                .updateStatus();
    }

    @Test
    @Order(7)
    void deletingTheStoreLeavesNoOrphan() {
        admin.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName(STORE)
                .delete();
        await().atMost(PATIENCE)
                .until(() -> admin.apps()
                                .deployments()
                                .inNamespace(NAMESPACE)
                                .withLabelSelector(DataPlaneNames.MANAGED_SELECTOR)
                                .list()
                                .getItems()
                                .isEmpty()
                        && admin.apps()
                                .replicaSets()
                                .inNamespace(NAMESPACE)
                                .list()
                                .getItems()
                                .isEmpty()
                        && admin.pods().inNamespace(NAMESPACE).list().getItems().isEmpty()
                        && servingConfig() == null
                        && admin.services()
                                .inNamespace(NAMESPACE)
                                .list()
                                .getItems()
                                .isEmpty()
                        && admin.policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(NAMESPACE)
                                .list()
                                .getItems()
                                .isEmpty());
        await().atMost(PATIENCE).until(() -> kubelet.running() == 0);
        assertThat(operator.isAlive()).isTrue();
    }

    private static List<ManagedFieldsEntry> operatorApplies(HasMetadata object) {
        return object.getMetadata().getManagedFields().stream()
                .filter(m -> m.getOperation().equals("Apply") && m.getManager().equals(FeatureStoreReconciler.NAME))
                .toList();
    }

    private static List<ManagedFieldsEntry> statusWrites(HasMetadata object) {
        return object.getMetadata().getManagedFields().stream()
                .filter(m -> "status".equals(m.getSubresource()))
                .toList();
    }

    private static boolean ready(List<io.fabric8.kubernetes.api.model.Condition> conditions) {
        return conditions != null
                && StatusConditions.find(conditions, "Ready")
                        .map(c -> c.getStatus().equals("True"))
                        .orElse(false);
    }

    private Deployment deployment() {
        return admin.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(DataPlaneNames.dataPlane(STORE))
                .get();
    }

    private static List<Pod> readyPods() {
        return admin
                .pods()
                .inNamespace(NAMESPACE)
                .withLabelSelector(DataPlaneNames.MANAGED_SELECTOR)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getStatus() != null
                        && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                                .anyMatch(c -> c.getType().equals("Ready")
                                        && c.getStatus().equals("True")))
                .toList();
    }

    private static FeatureStore store() {
        return admin.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName(STORE)
                .get();
    }

    private static FeatureView view(String name) {
        return admin.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private static JsonNode onlineFeatures(String address, String features) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://" + address + ":" + DataPlaneNames.HTTP_PORT + "/get-online-features"))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"features\": [" + features + "], \"entities\": {\"driver_id\": [1010]}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    private static void apply(JsonNode document) {
        admin.resource(Manifests.resource(document))
                .inNamespace(NAMESPACE)
                .fieldManager(Manifests.TEST_MANAGER)
                .forceConflicts()
                .serverSideApply();
    }
}
