package io.featureduck.operator;

import static io.featureduck.operator.OperatorHarness.NAMESPACE;
import static io.featureduck.operator.OperatorHarness.store;
import static io.featureduck.operator.OperatorHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.store.DataPlaneDeploymentDependent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FeatureStore reconciler against a real HTTP API server (Fabric8's mock server, CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class FeatureStoreReconcilerTest {
    KubernetesClient client;
    KubernetesMockServer server;
    OperatorHarness operator;

    @BeforeEach
    void startOperator() {
        operator = new OperatorHarness(client, "http://127.0.0.1:1");
    }

    @AfterEach
    void stopOperator() {
        operator.close();
    }

    @Test
    void aStoreGetsItsServingConfigDeploymentAndServiceOwnedByIt() {
        FeatureStore store = client.resource(store("drivers", 1)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate", "acc_rate"))
                .create();

        ConfigMap config = await().atMost(OperatorHarness.patience())
                .until(
                        () -> configMap("drivers"),
                        c -> c != null && c.getData().get("feature-store.yaml").contains("name: driver-stats"));
        String yaml = config.getData().get("feature-store.yaml");
        assertThat(yaml)
                .contains(
                        "kind: FeatureStore",
                        "name: drivers",
                        "root: /var/lib/featureduck/lakehouse",
                        "kind: FeatureView",
                        "name: conv_rate",
                        "name: acc_rate")
                .doesNotContain("status", "uid");

        Deployment deployment =
                await().atMost(OperatorHarness.patience()).until(() -> deployment("drivers"), d -> d != null);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs())
                .containsExactly(
                        "serve",
                        "-f",
                        "/etc/featureduck/feature-store.yaml",
                        "--port",
                        "8000",
                        "--management-port",
                        "8081",
                        "--grpc-port",
                        "6566",
                        "--offline-port",
                        "8815",
                        "--file-cache-dir",
                        "/var/cache/featureduck",
                        "--file-cache-size",
                        "9663676416",
                        "--auth-token-file",
                        "/etc/featureduck-auth/tokens");
        assertThat(container.getEnvFrom()).as("no credentials Secret named").isEmpty();
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("file-cache");
            assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("10Gi");
        });
        assertThat(container.getImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getRequests().get("memory").toString())
                .isEqualTo("1Gi");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getRunAsNonRoot())
                .isTrue();
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/lib/featureduck/lakehouse");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("drivers-serving-config"));

        Service service = await().atMost(OperatorHarness.patience())
                .until(
                        () -> client.services()
                                .inNamespace(NAMESPACE)
                                .withName("drivers-dataplane")
                                .get(),
                        s -> s != null);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("grpc");
            assertThat(port.getPort()).isEqualTo(6566);
            assertThat(port.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
        });
        assertThat(container.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("grpc");
            assertThat(port.getContainerPort()).isEqualTo(6566);
        });
        // Feast's offline store protocol (Arrow Flight) on Feast's own port.
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("flight");
            assertThat(port.getPort()).isEqualTo(8815);
            assertThat(port.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
        });
        assertThat(client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NAMESPACE)
                        .withName("drivers-dataplane")
                        .get())
                .as("no budget for a single replica")
                .isNull();

        // No garbage collector runs here: what deletion relies on is that each object names the store as controller.
        for (HasMetadata owned : List.of(config, deployment, service)) {
            assertThat(owned.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getKind()).isEqualTo("FeatureStore");
                assertThat(owner.getUid()).isEqualTo(store.getMetadata().getUid());
                assertThat(owner.getApiVersion()).isEqualTo("featureduck.io/v1alpha1");
            });
            assertThat(owned.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "featureduck-operator");
        }
    }

    @Test
    void statusFollowsTheRolloutAndReportsTheAssignedViews() {
        FeatureStore created = client.resource(store("drivers", 2)).create();
        assertThat(ArgoHealth.of(created))
                .isEqualTo(new ArgoHealth.Health(
                        "Progressing", "Waiting for the FeatureDuck operator to report this FeatureStore's status"));
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        client.resource(view("driver-profile", "drivers", "rating")).create();

        FeatureStore progressing = await().atMost(OperatorHarness.patience())
                .until(
                        () -> stored("drivers"),
                        s -> s.getStatus() != null && s.getStatus().viewCount() == 2);
        assertThat(condition(progressing, "Ready")).isEqualTo("False");
        assertThat(condition(progressing, "Progressing")).isEqualTo("True");
        assertThat(condition(progressing, "Degraded")).isEqualTo("False");
        assertThat(progressing.getStatus().views()).containsExactly("driver-profile", "driver-stats");
        assertThat(progressing.getStatus().endpoint()).isEqualTo("http://drivers-dataplane.features.svc:8000");
        assertThat(progressing.getStatus().observedGeneration())
                .isEqualTo(progressing.getMetadata().getGeneration());
        assertThat(ArgoHealth.of(progressing).status()).isEqualTo("Progressing");

        // What the Deployment controller and the kubelet would report once both pods pass their readiness probes.
        Deployment deployment = deployment("drivers");
        deployment.setStatus(new DeploymentStatusBuilder()
                .withReplicas(2)
                .withReadyReplicas(2)
                .withUpdatedReplicas(2)
                .withAvailableReplicas(2)
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .build());
        client.resource(deployment).updateStatus();

        FeatureStore ready = await().atMost(OperatorHarness.patience())
                .until(() -> stored("drivers"), s -> "True".equals(condition(s, "Ready")));
        assertThat(ready.getStatus().readyReplicas()).isEqualTo(2);
        assertThat(condition(ready, "Progressing")).isEqualTo("False");
        assertThat(ArgoHealth.of(ready).status()).isEqualTo("Healthy");
        FeatureStore stale = stored("drivers");
        stale.getMetadata().setGeneration(stale.getMetadata().getGeneration() + 1);
        assertThat(ArgoHealth.of(stale).message())
                .isEqualTo("Waiting for the FeatureDuck operator to observe " + "generation "
                        + stale.getMetadata().getGeneration());
        assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Serving"));
    }

    @Test
    void aPodThatCannotStartMakesTheStoreDegradedWithTheKubeletsReason() {
        FeatureStore withSecret = FeatureStore.of(
                "drivers",
                new FeatureStoreSpec(
                        new LakehouseSpec(TableFormat.DELTA, "s3://features/lakehouse", null, "lake-credentials", null),
                        store("drivers", 1).getSpec().dataPlane()));
        withSecret.getMetadata().setNamespace(NAMESPACE);
        client.resource(withSecret).create();
        Deployment deployment =
                await().atMost(OperatorHarness.patience()).until(() -> deployment("drivers"), d -> d != null);
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnvFrom())
                .singleElement()
                .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo("lake-credentials"));

        // What the kubelet reports for a container whose Secret does not exist; the Deployment does not change.
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("drivers-dataplane-abc12")
                        .withNamespace(NAMESPACE)
                        .withLabels(
                                deployment.getSpec().getTemplate().getMetadata().getLabels())
                        .endMetadata()
                        .withNewStatus()
                        .addNewContainerStatus()
                        .withName("dataplane")
                        .withReady(false)
                        .withNewState()
                        .withNewWaiting()
                        .withReason("CreateContainerConfigError")
                        .withMessage("secret \"lake-credentials\" not found")
                        .endWaiting()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build())
                .create();

        FeatureStore degraded = await().atMost(OperatorHarness.patience())
                .until(() -> stored("drivers"), s -> "True".equals(condition(s, "Degraded")));
        Condition reason = degraded.getStatus().conditions().stream()
                .filter(c -> c.getType().equals("Degraded"))
                .findFirst()
                .orElseThrow();
        assertThat(reason.getReason()).isEqualTo("CreateContainerConfigError");
        assertThat(reason.getMessage())
                .isEqualTo("data-plane pod drivers-dataplane-abc12: CreateContainerConfigError: "
                        + "secret \"lake-credentials\" not found");
        assertThat(condition(degraded, "Ready")).isEqualTo("False");
        assertThat(ArgoHealth.of(degraded)).isEqualTo(new ArgoHealth.Health("Degraded", reason.getMessage()));
    }

    @Test
    void aViewThatTakesPushesMakesTheLakehouseWritableAndWriteTokensAreMountedApart() {
        FeatureStore store = store("drivers", 1);
        DataPlaneSpec d = store.getSpec().effectiveDataPlane();
        store.setSpec(new FeatureStoreSpec(
                store.getSpec().lakehouse(),
                new DataPlaneSpec(
                        d.replicas(),
                        d.image(),
                        d.resources(),
                        d.maxBatchEntities(),
                        d.maxBodyBytes(),
                        d.duckdbMemoryLimit(),
                        new DataPlaneSpec.AuthSpec(
                                io.featureduck.crds.AuthType.BEARER, "drivers-tokens", null, "drivers-write-tokens"),
                        d.fileCacheSize(),
                        d.maxHistoricalBodyBytes(),
                        d.maxResponseBytes(),
                        d.maxConcurrentHistorical(),
                        d.drainPeriod(),
                        d.tls(),
                        d.grpcPort())));
        client.resource(store).create();
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        Deployment readOnly =
                await().atMost(OperatorHarness.patience()).until(() -> deployment("drivers"), dep -> dep != null);
        assertThat(lakehouseMount(readOnly).getReadOnly())
                .as("no view takes pushes")
                .isTrue();
        Container container =
                readOnly.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(String.join(" ", container.getArgs()))
                .contains("--auth-token-file /etc/featureduck-auth/tokens "
                        + "--auth-write-token-file /etc/featureduck-write-auth/tokens");
        assertThat(readOnly.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("auth-write-tokens");
            assertThat(v.getSecret().getSecretName()).isEqualTo("drivers-write-tokens");
        });

        FeatureView pushing = client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName("driver-stats")
                .get();
        FeatureViewSpec spec = pushing.getSpec();
        pushing.setSpec(new FeatureViewSpec(
                spec.store(),
                spec.source(),
                spec.entities(),
                spec.features(),
                spec.ttl(),
                spec.online(),
                spec.refreshInterval(),
                spec.description(),
                spec.onDemand(),
                spec.requestData(),
                new io.featureduck.crds.PushSpec(true, "driver_stats_push", null, null)));
        client.resource(pushing).update();
        await().atMost(OperatorHarness.patience())
                .until(() -> !lakehouseMount(deployment("drivers")).getReadOnly());
        assertThat(deployment("drivers").getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("lakehouse"))
                .singleElement()
                .satisfies(v ->
                        assertThat(v.getPersistentVolumeClaim().getReadOnly()).isFalse());
        assertThat(configMap("drivers").getData().get("feature-store.yaml")).contains("sourceName: driver_stats_push");
    }

    private static io.fabric8.kubernetes.api.model.VolumeMount lakehouseMount(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getName().equals("lakehouse"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void viewChangesRewriteOnlyTheConfigMapWhileStoreChangesRollThePods() {
        client.resource(store("drivers", 1)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        await().atMost(OperatorHarness.patience()).until(() -> deployment("drivers"), d -> d != null);
        String hash = podHash(deployment("drivers"));

        FeatureView changed = client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName("driver-stats")
                .get();
        changed.setSpec(withFeatures(changed.getSpec(), "conv_rate", "acc_rate"));
        client.resource(changed).update();
        await().atMost(OperatorHarness.patience())
                .until(() ->
                        configMap("drivers").getData().get("feature-store.yaml").contains("name: acc_rate"));
        assertThat(podHash(deployment("drivers")))
                .as("a view change must not restart the pods")
                .isEqualTo(hash);

        FeatureStore bigger = stored("drivers");
        bigger.setSpec(withReplicas(bigger.getSpec(), 3));
        client.resource(bigger).update();
        Deployment scaled = await().atMost(OperatorHarness.patience())
                .until(() -> deployment("drivers"), d -> d.getSpec().getReplicas() == 3);
        assertThat(podHash(scaled)).isNotEqualTo(hash);
        PodDisruptionBudget budget = await().atMost(OperatorHarness.patience())
                .until(
                        () -> client.policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(NAMESPACE)
                                .withName("drivers-dataplane")
                                .get(),
                        b -> b != null);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

        FeatureStore smaller = stored("drivers");
        smaller.setSpec(withReplicas(smaller.getSpec(), 1));
        client.resource(smaller).update();
        await().atMost(OperatorHarness.patience())
                .until(() -> client.policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(NAMESPACE)
                                .withName("drivers-dataplane")
                                .get()
                        == null);

        client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName("driver-stats")
                .delete();
        await().atMost(OperatorHarness.patience())
                .until(() -> !configMap("drivers")
                        .getData()
                        .get("feature-store.yaml")
                        .contains("driver-stats"));
        await().atMost(OperatorHarness.patience())
                .until(() -> stored("drivers").getStatus().viewCount() == 0);
    }

    @Test
    void aSecondReconcileChangesNothing() {
        client.resource(store("drivers", 2)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        await().atMost(OperatorHarness.patience())
                .until(() -> client.policy()
                                        .v1()
                                        .podDisruptionBudget()
                                        .inNamespace(NAMESPACE)
                                        .withName("drivers-dataplane")
                                        .get()
                                != null
                        && stored("drivers").getStatus() != null
                        && stored("drivers").getStatus().viewCount() == 1);
        await().pollDelay(java.time.Duration.ofSeconds(2)).until(() -> true);
        Map<String, String> before = resourceVersions();

        // A restarted operator reconciles everything again from scratch: it must find nothing to change.
        operator.restart();
        await().pollDelay(java.time.Duration.ofSeconds(4)).until(() -> true);
        assertThat(resourceVersions()).isEqualTo(before);
    }

    @Test
    void apiErrorsAreRetriedWithBackoffAndReported() {
        // The client itself retries server errors; a refusal comes back to the operator, whose reconcile fails and
        // is retried with backoff. Here the first two attempts to create the ConfigMap are refused.
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/" + NAMESPACE + "/configmaps")
                .andReturn(
                        403,
                        "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
                                + "\"message\":\"configmaps is forbidden: the operator's role lacks create\"}")
                .times(2);
        client.resource(store("drivers", 1)).create();

        await().atMost(OperatorHarness.patience())
                .until(() -> client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                        .anyMatch(e -> "ReconcileError".equals(e.getReason())));
        await().atMost(OperatorHarness.patience()).until(() -> configMap("drivers") != null);
        FeatureStore recovered = await().atMost(OperatorHarness.patience())
                .until(() -> stored("drivers"), s -> s.getStatus() != null && "False".equals(condition(s, "Degraded")));
        assertThat(condition(recovered, "Progressing")).isEqualTo("True");
    }

    @Test
    void anInvalidStoreDeploysNothingAndSaysWhy() {
        FeatureStore broken = store("broken", 1);
        broken.setSpec(new FeatureStoreSpec(null, null));
        client.resource(broken).create();
        FeatureStore reported =
                await().atMost(OperatorHarness.patience()).until(() -> stored("broken"), s -> s.getStatus() != null);
        assertThat(condition(reported, "Degraded")).isEqualTo("True");
        assertThat(reported.getStatus().conditions())
                .anySatisfy(c -> assertThat(c.getMessage()).contains("spec.lakehouse: is required"));
        assertThat(ArgoHealth.of(reported).status()).isEqualTo("Degraded");
        assertThat(ArgoHealth.of(reported).message()).contains("spec.lakehouse: is required");
        assertThat(deployment("broken")).isNull();
    }

    @Test
    void withLeaderElectionTheLeaseHolderReconciles() {
        operator.close();
        // Before campaigning, the operator checks that its role may manage Leases. The mock server has no RBAC, so
        // it answers as a real API server would for the role the operator is installed with.
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(
                        201,
                        "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                                + "\"spec\":{\"namespace\":\"" + NAMESPACE + "\"},\"status\":{\"incomplete\":false,"
                                + "\"resourceRules\":[{\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"],"
                                + "\"verbs\":[\"get\",\"create\",\"update\"]}],\"nonResourceRules\":[]}}")
                .always();
        operator = new OperatorHarness(
                client,
                Map.of(
                        "FEATUREDUCK_DATAPLANE_URL",
                        "http://127.0.0.1:1",
                        "FEATUREDUCK_LEADER_ELECTION",
                        "true",
                        "FEATUREDUCK_LEASE_NAMESPACE",
                        NAMESPACE));
        client.resource(store("drivers", 1)).create();
        await().atMost(OperatorHarness.patience()).until(() -> configMap("drivers") != null);
        var lease = client.leases()
                .inNamespace(NAMESPACE)
                .withName(OperatorSettings.LEASE_NAME)
                .get();
        assertThat(lease).isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    }

    private Map<String, String> resourceVersions() {
        Map<String, String> versions = new java.util.TreeMap<>();
        for (HasMetadata resource : List.<HasMetadata>of(
                configMap("drivers"),
                deployment("drivers"),
                stored("drivers"),
                client.services()
                        .inNamespace(NAMESPACE)
                        .withName("drivers-dataplane")
                        .get(),
                client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NAMESPACE)
                        .withName("drivers-dataplane")
                        .get(),
                client.resources(FeatureView.class)
                        .inNamespace(NAMESPACE)
                        .withName("driver-stats")
                        .get())) {
            versions.put(
                    resource.getKind() + "/" + resource.getMetadata().getName(),
                    resource.getMetadata().getResourceVersion());
        }
        return versions;
    }

    static String podHash(Deployment deployment) {
        return deployment
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(DataPlaneDeploymentDependent.SETTINGS_HASH);
    }

    static FeatureViewSpec withFeatures(FeatureViewSpec spec, String... features) {
        return new FeatureViewSpec(
                spec.store(),
                spec.source(),
                spec.entities(),
                List.of(features).stream()
                        .map(f -> new io.featureduck.crds.FeatureSpec(f, io.featureduck.crds.ValueType.FLOAT64))
                        .toList(),
                spec.ttl(),
                spec.online(),
                spec.refreshInterval(),
                spec.description());
    }

    static FeatureStoreSpec withReplicas(FeatureStoreSpec spec, int replicas) {
        return withDataPlane(spec, replicas, spec.effectiveDataPlane().shards());
    }

    /** {@code spec} with its data plane's replicas and shards replaced. */
    static FeatureStoreSpec withDataPlane(FeatureStoreSpec spec, int replicas, Integer shards) {
        DataPlaneSpec d = spec.effectiveDataPlane();
        return new FeatureStoreSpec(
                spec.lakehouse(),
                new DataPlaneSpec(
                        replicas,
                        d.image(),
                        d.resources(),
                        d.maxBatchEntities(),
                        d.maxBodyBytes(),
                        d.duckdbMemoryLimit(),
                        d.auth(),
                        d.fileCacheSize(),
                        d.maxHistoricalBodyBytes(),
                        d.maxResponseBytes(),
                        d.maxConcurrentHistorical(),
                        d.drainPeriod(),
                        d.tls(),
                        d.grpcPort(),
                        d.offlinePort(),
                        shards,
                        d.replicateBelowRows()));
    }

    private FeatureStore stored(String name) {
        return client.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private ConfigMap configMap(String store) {
        return client.configMaps()
                .inNamespace(NAMESPACE)
                .withName(store + "-serving-config")
                .get();
    }

    private Deployment deployment(String store) {
        return client.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(store + "-dataplane")
                .get();
    }

    static String condition(HasMetadata resource, String type) {
        List<io.fabric8.kubernetes.api.model.Condition> conditions = resource instanceof FeatureStore s
                ? s.getStatus() == null ? List.of() : s.getStatus().conditions()
                : ((FeatureView) resource).getStatus() == null
                        ? List.of()
                        : ((FeatureView) resource).getStatus().conditions();
        return StatusConditions.find(conditions, type)
                .map(io.fabric8.kubernetes.api.model.Condition::getStatus)
                .orElse(null);
    }
}
