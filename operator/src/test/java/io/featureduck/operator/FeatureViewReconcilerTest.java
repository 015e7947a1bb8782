package io.featureduck.operator;

import static io.featureduck.operator.FeatureStoreReconcilerTest.condition;
import static io.featureduck.operator.OperatorHarness.NAMESPACE;
import static io.featureduck.operator.OperatorHarness.store;
import static io.featureduck.operator.OperatorHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.ValueType;
import io.featureduck.operator.status.StatusConditions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FeatureView reconciler: acceptance by its store, against a real HTTP API server (Fabric8's mock, CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class FeatureViewReconcilerTest {
    KubernetesClient client;
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
    void aViewWhoseStoreDoesNotExistIsNotAcceptedUntilTheStoreAppears() {
        FeatureView created =
                client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        assertThat(ArgoHealth.of(created))
                .isEqualTo(new ArgoHealth.Health(
                        "Progressing", "Waiting for the FeatureDuck operator to report this FeatureView's status"));
        FeatureView waiting = await().atMost(OperatorHarness.patience())
                .until(() -> stored("driver-stats"), v -> v.getStatus() != null);
        assertThat(ArgoHealth.of(waiting))
                .isEqualTo(new ArgoHealth.Health(
                        "Degraded",
                        "FeatureStore 'drivers' " + "does not exist in namespace '" + NAMESPACE
                                + "'; create it or correct spec.store"));
        assertThat(condition(waiting, "Accepted")).isEqualTo("False");
        assertThat(message(waiting, "Accepted"))
                .isEqualTo("FeatureStore 'drivers' does not exist in namespace '" + NAMESPACE
                        + "'; create it or correct spec.store");
        assertThat(condition(waiting, "Ready")).isEqualTo("False");
        assertThat(waiting.getStatus().observedGeneration())
                .isEqualTo(waiting.getMetadata().getGeneration());

        client.resource(store("drivers", 1)).create();
        FeatureView accepted = await().atMost(OperatorHarness.patience())
                .until(() -> stored("driver-stats"), v -> "True".equals(condition(v, "Accepted")));
        assertThat(accepted.getStatus().format()).isEqualTo("delta");
        // Nothing serves it in this test: the operator says it cannot reach the data plane rather than guessing.
        assertThat(condition(accepted, "Ready")).isEqualTo("Unknown");
        assertThat(message(accepted, "Ready")).contains("127.0.0.1:1");
        assertThat(ArgoHealth.of(accepted).status())
                .as("not known to be served yet")
                .isEqualTo("Progressing");
        assertThat(ArgoHealth.of(accepted).message()).contains("127.0.0.1:1");
    }

    @Test
    void deletingTheStoreUnderItsViewsWithdrawsTheirAcceptance() {
        client.resource(store("drivers", 1)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        client.resource(view("driver-profile", "drivers", "rating")).create();
        for (String name : List.of("driver-stats", "driver-profile")) {
            await().atMost(OperatorHarness.patience()).until(() -> "True".equals(condition(stored(name), "Accepted")));
        }

        client.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName("drivers")
                .delete();
        for (String name : List.of("driver-stats", "driver-profile")) {
            FeatureView orphan = await().atMost(OperatorHarness.patience())
                    .until(() -> stored(name), v -> "False".equals(condition(v, "Accepted")));
            assertThat(message(orphan, "Accepted")).contains("FeatureStore 'drivers' does not exist");
        }
        assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("StoreNotFound"));
    }

    @Test
    void anInvalidViewIsRejectedWithTheReasonAndKeptOutOfTheServingConfiguration() {
        client.resource(store("drivers", 1)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();
        FeatureView broken = view("broken", "drivers", "x");
        broken.setSpec(new FeatureViewSpec(
                "drivers",
                broken.getSpec().source(),
                broken.getSpec().entities(),
                List.of(new FeatureSpec("x", ValueType.FLOAT64), new FeatureSpec("x", ValueType.INT64)),
                "forever",
                null,
                null,
                null));
        client.resource(broken).create();

        FeatureView rejected =
                await().atMost(OperatorHarness.patience()).until(() -> stored("broken"), v -> v.getStatus() != null);
        assertThat(condition(rejected, "Accepted")).isEqualTo("False");
        assertThat(message(rejected, "Accepted"))
                .contains("spec.features[1].name: 'x' is listed twice")
                .contains("spec.ttl");
        await().atMost(OperatorHarness.patience())
                .until(() -> client.configMaps()
                                .inNamespace(NAMESPACE)
                                .withName("drivers-serving-config")
                                .get()
                        != null);
        await().atMost(OperatorHarness.patience())
                .until(() -> client.configMaps()
                        .inNamespace(NAMESPACE)
                        .withName("drivers-serving-config")
                        .get()
                        .getData()
                        .get("feature-store.yaml")
                        .contains("driver-stats"));
        assertThat(client.configMaps()
                        .inNamespace(NAMESPACE)
                        .withName("drivers-serving-config")
                        .get()
                        .getData()
                        .get("feature-store.yaml"))
                .doesNotContain("name: broken");
    }

    private FeatureView stored(String name) {
        return client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private static String message(FeatureView view, String type) {
        return StatusConditions.find(view.getStatus().conditions(), type)
                .map(Condition::getMessage)
                .orElse(null);
    }
}
