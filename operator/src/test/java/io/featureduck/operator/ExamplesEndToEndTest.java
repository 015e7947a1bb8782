package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.HistoricalRetrieval;
import io.featureduck.crds.HistoricalRetrievalSpec;
import io.featureduck.crds.HistoricalRetrievalStatus;
import io.featureduck.crds.TablePin;
import io.featureduck.crds.ValueType;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.retrieval.SparkApplications;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.spark.LocalSpark;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path without a cluster: every manifest in {@code examples/} is applied to a Kubernetes API server (Fabric8's
 * mock, CRUD mode), the operator reconciles them, and what the kubelet would do is done by hand: the Job's command
 * writes the lakehouse into a directory standing for the volume, the generated ConfigMap is written where the
 * Deployment mounts it, and the Deployment's own container arguments start a real data-plane process (the jar the
 * dataplane module built). Its HTTP answers are checked against the table read directly with DuckDB; then a
 * FeatureView is changed and the change travels through the ConfigMap into the running process; last, a commit the
 * data plane cannot read leaves it serving the last good version and the operator reports the view Degraded.
 */
@EnableKubernetesMockClient(crud = true)
class ExamplesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final String NAMESPACE = "kubernetes";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    KubernetesClient client;

    @TempDir
    Path work;

    private OperatorHarness operator;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private String token;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroy);
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void examplesServeTheirTableAndAFeatureViewChangeReachesTheRunningDataPlane() throws Exception {
        Path jar = dataPlaneJar();
        int port = freePort();
        int managementPort = freePort();
        int grpcPort = freePort();
        String base = "http://127.0.0.1:" + port;
        List<Path> manifests = applyExamples();
        assertThat(manifests)
                .extracting(p -> p.getParent().getFileName().toString())
                .contains("kubernetes", "local");
        // The token Secret the example store names, created as its README says.
        token = UUID.randomUUID().toString();
        client.secrets()
                .inNamespace(NAMESPACE)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("drivers-tokens")
                        .endMetadata()
                        .addToStringData("tokens", token + "\n")
                        .build())
                .create();
        // Status is read from every ready data-plane pod's management port, as in a cluster; here both "pods" are
        // the one process.
        operator = new OperatorHarness(client, "http://{podIP}:" + managementPort);

        // What the operator generated for the "drivers" store.
        Deployment deployment = await().atMost(PATIENCE)
                .until(
                        () -> client.apps()
                                .deployments()
                                .inNamespace(NAMESPACE)
                                .withName("drivers-dataplane")
                                .get(),
                        d -> d != null);
        ConfigMap config = await().atMost(PATIENCE)
                .until(
                        () -> configMap(),
                        c -> c != null && c.getData().get("feature-store.yaml").contains("name: driver-profile"));
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        for (int replica = 0; replica < deployment.getSpec().getReplicas(); replica++) {
            startedPod(deployment, replica);
        }

        // The volumes, as the kubelet would provide them: the ConfigMap's file at its mount path, and the claim
        // filled by the example Job (its own arguments, run here) at the claim's mount path.
        Path configMount = work.resolve("etc-featureduck");
        mount(config, configMount);
        Job job = client.batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .withName("write-demo-lakehouse")
                .get();
        Path demo = work.resolve("demo");
        List<String> jobArgs = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().stream()
                .map(a -> a.equals("/demo") ? demo.toString() : a)
                .toList();
        run(jar, jobArgs).waitFor(120, TimeUnit.SECONDS);
        Path claim = demo.resolve("lakehouse");
        assertThat(claim.resolve("driver_hourly_stats/_delta_log")).isDirectory();

        // The token Secret, as the kubelet mounts it.
        Path tokensMount = work.resolve("etc-featureduck-auth");
        Files.createDirectories(tokensMount);
        Secret tokens = client.secrets()
                .inNamespace(NAMESPACE)
                .withName("drivers-tokens")
                .get();
        Files.writeString(
                tokensMount.resolve("tokens"),
                tokens.getStringData() != null
                        ? tokens.getStringData().get("tokens")
                        : new String(java.util.Base64.getDecoder()
                                .decode(tokens.getData().get("tokens"))));
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret() != null
                                && v.getSecret().getSecretName().equals("drivers-tokens"))
                        .isTrue());

        String configPath = "/etc/featureduck";
        VolumeMount lakehouseMount = container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("lakehouse"))
                .findFirst()
                .orElseThrow();
        Volume lakehouseVolume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("lakehouse"))
                .findFirst()
                .orElseThrow();
        assertThat(lakehouseVolume.getPersistentVolumeClaim().getClaimName()).isEqualTo("lakehouse");
        List<String> args = new ArrayList<>();
        // The pod's volumes, outside a pod: the ConfigMap, and the file cache's emptyDir.
        for (String arg : container.getArgs()) {
            args.add(
                    arg.startsWith(DataPlaneNames.TOKENS_MOUNT)
                            ? tokensMount + arg.substring(DataPlaneNames.TOKENS_MOUNT.length())
                            : arg.startsWith(configPath)
                                    ? configMount + arg.substring(configPath.length())
                                    : arg.equals(DataPlaneNames.FILE_CACHE_MOUNT)
                                            ? work.resolve("file-cache").toString()
                                            : arg.equals(Integer.toString(DataPlaneNames.HTTP_PORT))
                                                    ? Integer.toString(port)
                                                    : arg.equals(Integer.toString(DataPlaneNames.MANAGEMENT_PORT))
                                                            ? Integer.toString(managementPort)
                                                            : arg.equals(Integer.toString(
                                                                            DataPlaneSpec.DEFAULT_GRPC_PORT))
                                                                    ? Integer.toString(grpcPort)
                                                                    : arg);
        }
        assertThat(args).contains(work.resolve("file-cache").toString());
        // Outside a pod: the claim is not at its mount path, and the process binds loopback only.
        args.addAll(List.of("--lakehouse-root", claim.toString(), "--host", "127.0.0.1", "--reload-interval", "200ms"));
        assertThat(lakehouseMount.getMountPath()).isEqualTo("/var/lib/featureduck/lakehouse");
        run(jar, args);
        await().atMost(PATIENCE).until(() -> status("http://127.0.0.1:" + managementPort + "/ready") == 200);
        // Without the token, or with another one, the API answers 401 and nothing else.
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(base + "/v1/views"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(base + "/v1/views"))
                                        .header("authorization", "Bearer not-" + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);

        // Online answers equal the latest row per driver, read straight from the table's Parquet files.
        JsonNode answer = post(
                base + "/get-online-features",
                "{\"features\": [\"driver-stats:conv_rate\", "
                        + "\"driver-stats:avg_daily_trips\", \"driver-profile:vehicle_type\"], \"entities\": {\"driver_id\": "
                        + "[1010, 1011]}}");
        for (int i = 0; i < 2; i++) {
            long driver = 1010 + i;
            assertThat(answer.at("/results/1/values/" + i).floatValue())
                    .isEqualTo(latest(claim, driver, "conv_rate").floatValue());
            assertThat(answer.at("/results/2/values/" + i).asLong())
                    .isEqualTo(latest(claim, driver, "avg_daily_trips").longValue());
            assertThat(answer.at("/results/3/values/" + i).asText()).isEqualTo(profile(claim, driver));
        }

        // The example's aggregations: each window as of the request, equal to the same window over the table's rows
        // (read straight from its files) as of just before or just after it.
        Instant asked = Instant.now();
        JsonNode windows = post(
                base + "/get-online-features",
                "{\"features\": [\"driver-trips:trips_1d\", \"driver-trips:trips_7d\", "
                        + "\"driver-trips:hours_reported\", \"driver-trips:conv_rate_7d\"], \"entities\": "
                        + "{\"driver_id\": [1010, 1011, 999999]}}");
        Instant answered = Instant.now();
        for (int i = 0; i < 2; i++) {
            long driver = 1010 + i;
            for (String[] feature : List.of(
                    new String[] {"1", "sum(avg_daily_trips)", "1 DAY"},
                    new String[] {"2", "sum(avg_daily_trips)", "7 DAY"},
                    new String[] {"3", "count(*)", "1 DAY"},
                    new String[] {"4", "avg(conv_rate)", "7 DAY"})) {
                double served =
                        windows.at("/results/" + feature[0] + "/values/" + i).asDouble();
                double before = window(claim, driver, feature[1], feature[2], asked);
                double after = window(claim, driver, feature[1], feature[2], answered);
                // Averages of floats agree to rounding: the same numbers, added in another order.
                assertThat(Math.min(Math.abs(served - before), Math.abs(served - after)))
                        .as(
                                "driver %d, %s over %s: %s, table %s..%s",
                                driver, feature[1], feature[2], served, before, after)
                        .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(before)));
            }
        }
        assertThat(windows.at("/results/1/statuses/2").asText()).isEqualTo("NOT_FOUND");

        // The example's feature service resolves, is written into the serving configuration and answers by name.
        FeatureService ranking = await().atMost(PATIENCE)
                .until(
                        () -> client.resources(FeatureService.class)
                                .inNamespace(NAMESPACE)
                                .withName("driver-ranking")
                                .get(),
                        s -> s.getStatus() != null
                                && "True"
                                        .equals(StatusConditions.find(
                                                        s.getStatus().conditions(), "Accepted")
                                                .map(io.fabric8.kubernetes.api.model.Condition::getStatus)
                                                .orElse(null)));
        assertThat(ranking.getStatus().features())
                .startsWith("driver-stats:conv_rate", "driver-stats:acc_rate", "driver-profile:name");
        assertThat(configMap().getData().get("feature-store.yaml")).contains("name: driver-ranking");
        JsonNode byService = post(
                base + "/get-online-features",
                "{\"feature_service\": \"driver-ranking\", " + "\"entities\": {\"driver_id\": [1010]}}");
        List<String> names = new ArrayList<>();
        byService.at("/metadata/feature_names").forEach(n -> names.add(n.asText()));
        assertThat(names)
                .containsExactly(
                        "driver_id",
                        "conv_rate",
                        "acc_rate",
                        "name",
                        "vehicle_type",
                        "rating",
                        "signup_date",
                        "languages");

        retrievalsRunOnSpark(base);

        // The operator reads the serving state back into the FeatureView's status.
        FeatureView served = await().atMost(PATIENCE)
                .until(
                        () -> view("driver-stats"),
                        v -> v.getStatus() != null && v.getStatus().tableVersion() != null);
        assertThat(FeatureStoreReconcilerTest.condition(served, "Ready")).isEqualTo("True");
        assertThat(served.getStatus().tableVersion()).isEqualTo(3);
        assertThat(served.getStatus().rows()).isEqualTo(5000);
        assertThat(StatusConditions.find(served.getStatus().conditions(), "Ready")
                        .orElseThrow()
                        .getMessage())
                .isEqualTo("2 data-plane pods serve table version 3, 5000 entities");
        assertThat(ArgoHealth.of(served))
                .isEqualTo(new ArgoHealth.Health("Healthy", "2 data-plane pods serve table version 3, 5000 entities"));
        FeatureView stale = view("driver-stats");
        stale.getMetadata().setGeneration(stale.getMetadata().getGeneration() + 1);
        assertThat(ArgoHealth.of(stale))
                .as("a spec change the operator has not seen yet")
                .isEqualTo(new ArgoHealth.Health(
                        "Progressing",
                        "Waiting for the FeatureDuck operator to observe generation "
                                + stale.getMetadata().getGeneration()));

        // Rolling the features back in Git: pinned to table version 1, the pods serve it and the status says so;
        // without the pin the view follows the table again.
        FeatureView toPin = view("driver-stats");
        FeatureViewSpec live = toPin.getSpec();
        toPin.setSpec(new FeatureViewSpec(
                live.store(),
                live.source().pinned(TablePin.ofVersion(1)),
                live.entities(),
                live.features(),
                live.ttl(),
                live.online(),
                live.refreshInterval(),
                live.description(),
                live.onDemand(),
                live.requestData()));
        client.resource(toPin).update();
        mount(
                await().atMost(PATIENCE)
                        .until(
                                () -> configMap(),
                                c -> c.getData().get("feature-store.yaml").contains("version: 1")),
                configMount);
        FeatureView pinned = await().atMost(PATIENCE)
                .until(
                        () -> view("driver-stats"),
                        v -> v.getStatus() != null
                                && "version 1".equals(v.getStatus().pinned())
                                && Long.valueOf(1).equals(v.getStatus().tableVersion())
                                && "False".equals(FeatureStoreReconcilerTest.condition(v, "Progressing")));
        assertThat(ArgoHealth.of(pinned).status()).isEqualTo("Healthy");
        assertThat(get(base + "/v1/views/driver-stats").path("table_version").asLong())
                .isEqualTo(1);
        FeatureView unpinned = view("driver-stats");
        unpinned.setSpec(live);
        client.resource(unpinned).update();
        mount(
                await().atMost(PATIENCE)
                        .until(
                                () -> configMap(),
                                c -> !c.getData().get("feature-store.yaml").contains("version: 1")),
                configMount);
        await().atMost(PATIENCE)
                .until(
                        () -> view("driver-stats"),
                        v -> v.getStatus().pinned() == null
                                && Long.valueOf(3).equals(v.getStatus().tableVersion()));

        // A change to the view: the operator rewrites the ConfigMap, the kubelet swaps the file, the pod reloads.
        FeatureView changed = view("driver-stats");
        FeatureViewSpec spec = changed.getSpec();
        List<FeatureSpec> features = new ArrayList<>(spec.features());
        features.add(new FeatureSpec("trips_per_week", ValueType.INT64, "avg_daily_trips * 7", null));
        // Polled every second from now on, so the broken commit below is noticed quickly.
        changed.setSpec(new FeatureViewSpec(
                spec.store(),
                spec.source(),
                spec.entities(),
                features,
                spec.ttl(),
                spec.online(),
                "1s",
                spec.description()));
        client.resource(changed).update();
        ConfigMap updated = await().atMost(PATIENCE)
                .until(
                        () -> configMap(),
                        c -> c.getData().get("feature-store.yaml").contains("trips_per_week"));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withName("drivers-dataplane")
                        .get()
                        .getSpec()
                        .getTemplate())
                .as("the pods are not restarted")
                .isEqualTo(deployment.getSpec().getTemplate());
        mount(updated, configMount);
        await().atMost(PATIENCE)
                .until(() -> status(base + "/v1/views/driver-stats") == 200
                        && get(base + "/v1/views/driver-stats").toString().contains("trips_per_week")
                        && get(base + "/v1/views/driver-stats")
                                .path("state")
                                .asText()
                                .equals("READY"));
        JsonNode weekly = post(
                base + "/get-online-features",
                "{\"features\": [\"driver-stats:trips_per_week\"], " + "\"entities\": {\"driver_id\": [1010]}}");
        assertThat(weekly.at("/results/1/values/0").asLong())
                .isEqualTo(latest(claim, 1010, "avg_daily_trips").longValue() * 7);

        // A commit the data plane cannot read: it keeps serving the last good version, and the operator reports
        // the view as Degraded with the data plane's error, while Ready stays True.
        long lastGood =
                get(base + "/v1/views/driver-stats").path("table_version").asLong();
        Files.writeString(
                claim.resolve("driver_hourly_stats/_delta_log").resolve(String.format("%020d.json", lastGood + 1)),
                "{\"add\":{\"path\":\"part-gone.parquet\",\"partitionValues\":{},\"size\":10,"
                        + "\"modificationTime\":1,\"dataChange\":true}}\n");
        FeatureView degraded = await().atMost(PATIENCE)
                .until(
                        () -> view("driver-stats"),
                        v -> "True".equals(FeatureStoreReconcilerTest.condition(v, "Degraded")));
        assertThat(FeatureStoreReconcilerTest.condition(degraded, "Ready")).isEqualTo("True");
        assertThat(degraded.getStatus().tableVersion()).isEqualTo(lastGood);
        assertThat(degraded.getStatus().lastError()).contains("driver-stats");
        assertThat(StatusConditions.find(degraded.getStatus().conditions(), "Degraded")
                        .orElseThrow()
                        .getReason())
                .isEqualTo("RefreshFailed");
        assertThat(ArgoHealth.of(degraded).status()).isEqualTo("Degraded");
        assertThat(ArgoHealth.of(degraded).message())
                .startsWith("serving table version " + lastGood + " while the latest load failed: ");
        assertThat(post(
                                base + "/get-online-features",
                                "{\"features\": [\"driver-stats:conv_rate\"], "
                                        + "\"entities\": {\"driver_id\": [1010]}}")
                        .at("/results/1/statuses/0")
                        .asText())
                .isEqualTo("PRESENT");
    }

    /** A pod of the Deployment as the kubelet reports it once it passes its readiness probe: here, on loopback. */
    private void startedPod(Deployment deployment, int replica) {
        io.fabric8.kubernetes.api.model.Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(deployment.getMetadata().getName() + "-" + replica)
                .withNamespace(NAMESPACE)
                .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata()
                .withSpec(deployment.getSpec().getTemplate().getSpec())
                .withNewStatus()
                .withPodIP("127.0.0.1")
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
        client.resource(pod).create();
        client.resource(pod).updateStatus();
    }

    /**
     * HistoricalRetrievals: the operator plans each on the running data plane and creates its SparkApplication; this
     * test stands in for the Spark operator, running the application's own arguments on a local Spark and reporting
     * what a driver pod would. The example's application fails; a retrieval of the last two hours succeeds with the
     * rows the data plane's own retrieval of that range gives; one naming an unknown feature is refused.
     */
    @SuppressWarnings("unchecked")
    private void retrievalsRunOnSpark(String base) throws Exception {
        client.getKubernetesSerialization().registerKubernetesResource(HistoricalRetrieval.class);
        GenericKubernetesResource example = application("driver-training");
        Map<String, Object> spec =
                (Map<String, Object>) example.getAdditionalProperties().get("spec");
        assertThat(spec)
                .containsEntry("mainClass", "io.featureduck.spark.RetrievalJob")
                .containsEntry("image", OperatorSettings.DEFAULT_SPARK_IMAGE)
                .containsEntry("restartPolicy", Map.of("type", "Never"));
        assertThat((Map<String, Object>) spec.get("sparkConf"))
                .containsEntry(
                        "spark.kubernetes.executor.volumes.persistentVolumeClaim.lakehouse.options.claimName",
                        "lakehouse")
                .containsEntry(
                        "spark.kubernetes.driver.volumes.persistentVolumeClaim.lakehouse.mount.path",
                        "/var/lib/featureduck/lakehouse")
                .containsEntry(
                        "spark.kubernetes.driver.volumes.persistentVolumeClaim.lakehouse.mount.readOnly", "false");
        assertThat(example.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("HistoricalRetrieval"));
        JsonNode plan = plan(example);
        // The time range's entity rows are the events of the two event-time views, both over driver_hourly_stats.
        assertThat(plan.at("/entities/sql").asText()).contains("UNION");
        assertThat(plan.at("/tables").findValuesAsText("uri"))
                .anyMatch(uri -> uri.endsWith("driver_hourly_stats"))
                .anyMatch(uri -> uri.endsWith("driver_profile"));
        assertThat(plan.at("/output/uri").asText())
                .isEqualTo("/var/lib/featureduck/lakehouse/training/driver-training");
        HistoricalRetrieval running = retrieval(
                "driver-training",
                r -> r.getStatus() != null
                        && r.getStatus().phase() == HistoricalRetrievalStatus.RetrievalPhase.Running);
        assertThat(running.getStatus().tableVersions())
                .contains(new HistoricalRetrievalStatus.TableVersion("driver-stats", "delta", "3"));
        assertThat(ArgoHealth.of(running).status()).isEqualTo("Progressing");
        setState(example, "FAILED", "driver container OOMKilled", null);
        HistoricalRetrieval failed = retrieval(
                "driver-training",
                r -> r.getStatus() != null && r.getStatus().phase() == HistoricalRetrievalStatus.RetrievalPhase.Failed);
        assertThat(ArgoHealth.of(failed))
                .isEqualTo(new ArgoHealth.Health(
                        "Degraded", "SparkApplication 'driver-training' failed: driver container OOMKilled"));

        // The last two hours, run on a local Spark from the application's own arguments.
        Instant start =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(2));
        Path output = work.resolve("recent-hours");
        client.resource(HistoricalRetrieval.of(
                        "recent-hours",
                        new HistoricalRetrievalSpec(
                                "drivers",
                                List.of(
                                        "driver-stats:conv_rate",
                                        "driver-trips:trips_1d",
                                        "driver-profile:vehicle_type"),
                                null,
                                null,
                                new HistoricalRetrievalSpec.TimeRange(start.toString(), null),
                                new HistoricalRetrievalSpec.Output(output.toString(), null),
                                null,
                                null)))
                .inNamespace(NAMESPACE)
                .create();
        GenericKubernetesResource recent = application("recent-hours");
        Process spark = new ProcessBuilder(LocalSpark.command(
                        Path.of(System.getProperty("featureduck.spark.classpath")), 2, "1g", (List<String>)
                                spec(recent).get("arguments")))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("spark.log").toFile())
                .start();
        assertThat(spark.waitFor(5, TimeUnit.MINUTES) && spark.exitValue() == 0)
                .as("the Spark job ran: %s", Files.readString(work.resolve("spark.log")))
                .isTrue();
        List<String> reports = LocalSpark.reports(Files.readString(work.resolve("spark.log")));
        assertThat(reports).hasSize(1);
        client.pods()
                .inNamespace(NAMESPACE)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("recent-hours-driver")
                        .endMetadata()
                        .withNewStatus()
                        .addNewContainerStatus()
                        .withName("spark-kubernetes-driver")
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(0)
                        .withMessage(reports.get(0))
                        .endTerminated()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build())
                .create();
        setState(recent, "COMPLETED", null, "recent-hours-driver");
        HistoricalRetrieval succeeded = retrieval(
                "recent-hours",
                r -> r.getStatus() != null
                        && r.getStatus().phase() == HistoricalRetrievalStatus.RetrievalPhase.Succeeded);
        // The data plane's own retrieval of the same range: the same rows.
        HttpResponse<String> local = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/features/historical"))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .header("accept", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"features\": [\"driver-stats:conv_rate\", "
                                + "\"driver-trips:trips_1d\", \"driver-profile:vehicle_type\"], \"start_date\": \""
                                + start + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
        long rows = local.body().lines().filter(l -> !l.isBlank()).count();
        assertThat(rows).isGreaterThan(4000);
        assertThat(succeeded.getStatus().rows()).isEqualTo(rows);
        assertThat(ArgoHealth.of(succeeded))
                .isEqualTo(new ArgoHealth.Health("Healthy", rows + " rows written to " + output));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*), count(conv_rate), count(vehicle_type) FROM "
                        + "read_parquet('" + output + "/*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rows);
            // Values where the data plane has them: the profile table was written after these hours, so none.
            assertThat(rs.getLong(2)).isPositive().isEqualTo(present(local.body(), "conv_rate"));
            assertThat(rs.getLong(3)).isEqualTo(present(local.body(), "vehicle_type"));
        }

        // A feature the store does not serve: the data plane refuses the plan, and nothing is submitted.
        client.resource(HistoricalRetrieval.of(
                        "unknown-feature",
                        new HistoricalRetrievalSpec(
                                "drivers",
                                List.of("driver-stats:no_such_feature"),
                                null,
                                null,
                                new HistoricalRetrievalSpec.TimeRange(start.toString(), null),
                                new HistoricalRetrievalSpec.Output(
                                        work.resolve("never").toString(), null),
                                null,
                                null)))
                .inNamespace(NAMESPACE)
                .create();
        HistoricalRetrieval refused = retrieval(
                "unknown-feature",
                r -> r.getStatus() != null && r.getStatus().phase() == HistoricalRetrievalStatus.RetrievalPhase.Failed);
        assertThat(StatusConditions.find(refused.getStatus().conditions(), "Complete")
                        .orElseThrow()
                        .getReason())
                .isEqualTo("PlanRefused");
        assertThat(ArgoHealth.of(refused).message()).contains("no feature 'no_such_feature'");
        assertThat(client.genericKubernetesResources(SparkApplications.CONTEXT)
                        .inNamespace(NAMESPACE)
                        .withName("unknown-feature")
                        .get())
                .isNull();
    }

    /** How many rows of an NDJSON answer hold a value for {@code column}. */
    private static long present(String ndjson, String column) throws IOException {
        long present = 0;
        for (String line : ndjson.lines().filter(l -> !l.isBlank()).toList()) {
            if (!JSON.readTree(line).path(column).isNull()) {
                present++;
            }
        }
        return present;
    }

    private GenericKubernetesResource application(String name) {
        try {
            return await().atMost(PATIENCE)
                    .until(
                            () -> client.genericKubernetesResources(SparkApplications.CONTEXT)
                                    .inNamespace(NAMESPACE)
                                    .withName(name)
                                    .get(),
                            a -> a != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            HistoricalRetrieval retrieval = client.resources(HistoricalRetrieval.class)
                    .inNamespace(NAMESPACE)
                    .withName(name)
                    .get();
            throw new AssertionError(
                    "no SparkApplication for " + name + "; its status: "
                            + (retrieval == null ? "(no retrieval)" : retrieval.getStatus()),
                    e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource application) {
        return (Map<String, Object>) application.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static JsonNode plan(GenericKubernetesResource application) throws IOException {
        List<String> arguments = (List<String>) spec(application).get("arguments");
        assertThat(arguments).hasSize(2).first().isEqualTo("--plan-base64");
        return JSON.readTree(java.util.Base64.getDecoder().decode(arguments.get(1)));
    }

    private HistoricalRetrieval retrieval(String name, java.util.function.Predicate<HistoricalRetrieval> done) {
        return await().atMost(PATIENCE)
                .until(
                        () -> client.resources(HistoricalRetrieval.class)
                                .inNamespace(NAMESPACE)
                                .withName(name)
                                .get(),
                        r -> r != null && done.test(r));
    }

    /** What the Spark operator writes into an application's status. */
    private void setState(GenericKubernetesResource application, String state, String error, String driverPod) {
        Map<String, Object> applicationState = new java.util.HashMap<>(Map.of("state", state));
        if (error != null) {
            applicationState.put("errorMessage", error);
        }
        Map<String, Object> status = new java.util.HashMap<>(Map.of("applicationState", applicationState));
        if (driverPod != null) {
            status.put("driverInfo", Map.of("podName", driverPod));
        }
        client.genericKubernetesResources(SparkApplications.CONTEXT)
                .inNamespace(NAMESPACE)
                .withName(application.getMetadata().getName())
                .edit(current -> {
                    current.setAdditionalProperty("status", status);
                    return current;
                });
    }

    private List<Path> applyExamples() throws IOException {
        // Read FeatureStores, FeatureViews and FeatureServices as their Java model, as the operator sees them.
        client.getKubernetesSerialization().registerKubernetesResource(io.featureduck.crds.FeatureStore.class);
        client.getKubernetesSerialization().registerKubernetesResource(FeatureView.class);
        client.getKubernetesSerialization().registerKubernetesResource(FeatureService.class);
        client.getKubernetesSerialization().registerKubernetesResource(HistoricalRetrieval.class);
        List<Path> manifests;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            // The GitOps example is applied by Argo CD, not by a user: its resources are checked against the CRDs
            // in the crds module, and the same store and views are served here from examples/kubernetes/.
            manifests = files.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(EXAMPLES.resolve("gitops")))
                    .sorted()
                    .toList();
        }
        for (Path manifest : manifests) {
            // Each example directory goes into its own namespace, as a user would apply it.
            String namespace = manifest.getParent().getFileName().toString();
            try (InputStream in = Files.newInputStream(manifest)) {
                for (HasMetadata item : client.load(in).items()) {
                    item.getMetadata().setNamespace(namespace);
                    client.resource(item).inNamespace(namespace).create();
                }
            }
        }
        return manifests;
    }

    /** Writes the ConfigMap's files as the kubelet does: new content appears in one atomic step. */
    private static void mount(ConfigMap config, Path directory) throws IOException {
        Files.createDirectories(directory);
        for (var entry : config.getData().entrySet()) {
            Path next = directory.resolve(".." + entry.getKey() + ".next");
            Files.writeString(next, entry.getValue());
            Files.move(
                    next,
                    directory.resolve(entry.getKey()),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private Process run(Path jar, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g", "-jar", jar.toString()));
        command.addAll(args);
        Path log = work.resolve("process-" + processes.size() + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        processes.add(process);
        return process;
    }

    private static Path dataPlaneJar() {
        return DataPlaneJar.path();
    }

    /** The source table's latest value for a driver, by event time then creation time, read without FeatureDuck. */
    private static Number latest(Path lakehouse, long driver, String column) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + column + " FROM read_parquet('"
                        + lakehouse.resolve("driver_hourly_stats") + "/*.parquet') WHERE driver_id = " + driver
                        + " ORDER BY event_timestamp DESC, created DESC LIMIT 1")) {
            assertThat(rs.next()).isTrue();
            return (Number) rs.getObject(1);
        }
    }

    /** {@code aggregate} of a driver's rows with event time in (end - interval, end], read from the table's files. */
    private static double window(Path lakehouse, long driver, String aggregate, String interval, Instant end)
            throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + aggregate + " FROM read_parquet('"
                        + lakehouse.resolve("driver_hourly_stats") + "/*.parquet') WHERE driver_id = " + driver
                        + " AND event_timestamp <= TIMESTAMPTZ '" + end + "' AND event_timestamp > TIMESTAMPTZ '"
                        + end + "' - INTERVAL " + interval)) {
            assertThat(rs.next()).isTrue();
            return rs.getDouble(1);
        }
    }

    private static String profile(Path lakehouse, long driver) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT vehicle_type FROM read_parquet('"
                        + lakehouse.resolve("driver_profile") + "/*.parquet') WHERE driver_id = " + driver)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private ConfigMap configMap() {
        return client.configMaps()
                .inNamespace(NAMESPACE)
                .withName("drivers-serving-config")
                .get();
    }

    private FeatureView view(String name) {
        return client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private JsonNode get(String url) throws Exception {
        return JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
