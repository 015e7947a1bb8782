package io.featureduck.compat;

import static io.featureduck.compat.FeastSdk.answer;
import static io.featureduck.compat.FeastSdk.assertFeastError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featureduck.operator.apiserver.ControlPlane;
import io.featureduck.operator.apiserver.RealApiServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feast's own Python SDK with {@code auth: {type: kubernetes}} against a data plane whose store authenticates callers
 * by Kubernetes, on a real API server (built from its Go module, {@code e2e/apiserver/}): Feast's client sends its
 * ServiceAccount token ({@code LOCAL_K8S_TOKEN} outside a pod) as a bearer token on every protocol (the registry and
 * Arrow Flight as gRPC metadata, the online store as an HTTP header), the data plane reviews it (TokenReview) and
 * authorizes each view by RBAC (SubjectAccessReview), with its own least-privilege ServiceAccount.
 */
@ExtendWith(RealApiServer.class)
class FeastKubernetesAuthIT {
    private static final String NAMESPACE = "feast-clients";

    @TempDir
    static Path work;

    static DataPlaneProcess dataPlane;
    static FeastSdk sdk;
    static String reader;
    static String stranger;

    @BeforeAll
    static void start(ControlPlane plane) throws Exception {
        plane.namespace(NAMESPACE);
        KubernetesClient admin = plane.admin();
        for (String account : List.of("dataplane", "reader", "stranger")) {
            admin.resource(new ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName(account)
                            .withNamespace(NAMESPACE)
                            .endMetadata()
                            .build())
                    .serverSideApply();
        }
        // The data plane may review tokens and ask for access decisions, and nothing else.
        admin.resource(new ClusterRoleBuilder()
                        .withNewMetadata()
                        .withName("feast-clients-dataplane")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("authentication.k8s.io")
                        .withResources("tokenreviews")
                        .withVerbs("create")
                        .endRule()
                        .addNewRule()
                        .withApiGroups("authorization.k8s.io")
                        .withResources("subjectaccessreviews")
                        .withVerbs("create")
                        .endRule()
                        .build())
                .serverSideApply();
        admin.resource(new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName("feast-clients-dataplane")
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "feast-clients-dataplane")
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("dataplane")
                        .withNamespace(NAMESPACE)
                        .endSubject()
                        .build())
                .serverSideApply();
        // The reader may describe, read online and read historically two views; the stranger nothing.
        admin.resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName("driver-stats-reader")
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("featureduck.io")
                        .withResources("featureviews")
                        .withResourceNames("driver-stats", "driver-quality")
                        .withVerbs("get", "read-online", "read-historical")
                        .endRule()
                        .build())
                .serverSideApply();
        admin.resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName("driver-stats-reader")
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "driver-stats-reader")
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("reader")
                        .withNamespace(NAMESPACE)
                        .endSubject()
                        .build())
                .serverSideApply();
        reader = plane.serviceAccountToken(NAMESPACE, "reader");
        stranger = plane.serviceAccountToken(NAMESPACE, "stranger");
        dataPlane =
                DataPlaneProcess.kubernetes(work, plane.serviceAccountKubeconfig(NAMESPACE, "dataplane"), NAMESPACE);
        sdk = new FeastSdk(dataPlane, work.resolve("feast-repo"));
    }

    @AfterAll
    static void stop() {
        if (dataPlane != null) {
            dataPlane.close();
        }
    }

    @Test
    void aServiceAccountReadsTheViewsRbacGrantsItOnEveryProtocol() throws Exception {
        JsonNode views = answer(sdk.run(reader, "cli", "feature-views", "list"));
        assertThat(views.path("out").asText())
                .as("the registry lists what the reader may describe")
                .contains("driver-stats", "driver-quality")
                .doesNotContain("driver-profile", "hudi-people");
        JsonNode online = answer(sdk.call(
                reader,
                "online",
                Map.of("features", List.of("driver-stats:conv_rate"), "entities", List.of(Map.of("driver_id", 1010)))));
        assertThat(online.path("conv_rate").get(0).isNumber())
                .as(online.toString())
                .isTrue();
        JsonNode training = answer(sdk.call(
                reader,
                "historical",
                Map.of(
                        "features",
                        List.of("driver-stats:conv_rate", "driver-quality:trips"),
                        "rows",
                        List.of(Map.of(
                                "driver_id",
                                1010,
                                "event_timestamp",
                                Instant.now().toString())))));
        assertThat(training).hasSize(1);
        assertThat(training.get(0).path("trips").asInt()).isEqualTo(1010 * 7);
    }

    @Test
    void aViewRbacDoesNotGrantIsRefusedAsFeastSaysIt() throws Exception {
        JsonNode registry = sdk.call(reader, "registry", Map.of("kind", "feature_view", "name", "driver-profile"));
        assertFeastError(registry, "FeatureViewNotFoundException", "driver-profile");
        JsonNode training = sdk.call(
                reader,
                "exchange",
                Map.of(
                        "refs",
                        List.of("driver-profile:vehicle_type"),
                        "rows",
                        List.of(Map.of(
                                "driver_id",
                                1010,
                                "event_timestamp",
                                Instant.now().toString()))));
        assertFeastError(training, "FeastPermissionError", "may not read-historical", "featureviews/driver-profile");
    }

    @Test
    void aServiceAccountWithoutRolesIsRefusedOnEveryProtocol() throws Exception {
        JsonNode registry = sdk.call(stranger, "registry", Map.of("kind", "feature_view", "name", "driver-stats"));
        assertFeastError(registry, "FeatureViewNotFoundException", "driver-stats");
        JsonNode online = sdk.call(
                stranger,
                "online",
                Map.of("features", List.of("driver-stats:conv_rate"), "entities", List.of(Map.of("driver_id", 1010))));
        assertThat(online.path("error").path("message").asText()).contains("403", "read-online");
        JsonNode training = sdk.call(
                stranger,
                "exchange",
                Map.of(
                        "refs",
                        List.of("driver-stats:conv_rate"),
                        "rows",
                        List.of(Map.of(
                                "driver_id",
                                1010,
                                "event_timestamp",
                                Instant.now().toString()))));
        assertFeastError(training, "FeastPermissionError", "may not read-historical");
        JsonNode forged = sdk.call("not-a-token", "registry", Map.of("kind", "feature_view", "name", "driver-stats"));
        assertFeastError(forged, "FeastPermissionError", "token");
    }
}
