package io.featureduck.operator;

import static io.featureduck.operator.OperatorHarness.NAMESPACE;
import static io.featureduck.operator.OperatorHarness.store;
import static io.featureduck.operator.OperatorHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureServiceSpec;
import io.featureduck.crds.FeatureView;
import io.featureduck.operator.status.StatusConditions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FeatureService reconciler against a real HTTP API server (Fabric8's mock, CRUD mode): a service is accepted
 * once its store exists and its references resolve against the views the store serves, follows those views as they
 * change, and is in the store's serving configuration exactly while it is accepted.
 */
@EnableKubernetesMockClient(crud = true)
class FeatureServiceReconcilerTest {
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

    private static FeatureService service(String name, String store, String... features) {
        FeatureService service = FeatureService.of(name, new FeatureServiceSpec(store, List.of(features), null));
        service.getMetadata().setNamespace(NAMESPACE);
        return service;
    }

    private FeatureService stored(String name) {
        return client.resources(FeatureService.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private static String condition(FeatureService service, String type) {
        return service.getStatus() == null
                ? null
                : StatusConditions.find(service.getStatus().conditions(), type)
                        .map(Condition::getStatus)
                        .orElse(null);
    }

    private static String message(FeatureService service) {
        return StatusConditions.find(service.getStatus().conditions(), "Accepted")
                .map(Condition::getMessage)
                .orElse(null);
    }

    private String servingConfig() {
        var map = client.configMaps()
                .inNamespace(NAMESPACE)
                .withName("drivers-serving-config")
                .get();
        return map == null ? "" : map.getData().get("feature-store.yaml");
    }

    @Test
    void aServiceIsAcceptedOnceItsStoreAndViewsResolveItAndIsServedOnlyThen() {
        FeatureService created = client.resource(
                        service("ranking", "drivers", "driver-stats:*", "driver-profile:rating"))
                .create();
        assertThat(ArgoHealth.of(created))
                .isEqualTo(new ArgoHealth.Health(
                        "Progressing", "Waiting for the FeatureDuck operator to report this FeatureService's status"));
        FeatureService waiting =
                await().atMost(OperatorHarness.patience()).until(() -> stored("ranking"), s -> s.getStatus() != null);
        assertThat(condition(waiting, "Accepted")).isEqualTo("False");
        assertThat(message(waiting)).contains("FeatureStore 'drivers' does not exist");
        assertThat(waiting.getStatus().observedGeneration())
                .isEqualTo(waiting.getMetadata().getGeneration());

        client.resource(store("drivers", 1)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate", "acc_rate"))
                .create();
        FeatureService unresolved = await().atMost(OperatorHarness.patience())
                .until(() -> stored("ranking"), s -> message(s).contains("driver-profile"));
        assertThat(condition(unresolved, "Accepted")).isEqualTo("False");
        assertThat(message(unresolved)).contains("the store has no feature view 'driver-profile'");
        assertThat(ArgoHealth.of(unresolved).status()).isEqualTo("Degraded");
        assertThat(ArgoHealth.of(unresolved).message()).isEqualTo(message(unresolved));
        await().atMost(OperatorHarness.patience()).until(() -> servingConfig().contains("driver-stats"));
        assertThat(servingConfig()).doesNotContain("kind: FeatureService");

        // The missing view appears: the service resolves, without the service itself changing.
        client.resource(view("driver-profile", "drivers", "rating")).create();
        FeatureService accepted = await().atMost(OperatorHarness.patience())
                .until(() -> stored("ranking"), s -> "True".equals(condition(s, "Accepted")));
        assertThat(accepted.getStatus().features())
                .containsExactly("driver-stats:conv_rate", "driver-stats:acc_rate", "driver-profile:rating");
        assertThat(accepted.getStatus().views()).containsExactly("driver-profile", "driver-stats");
        assertThat(accepted.getStatus().featureCount()).isEqualTo(3);
        assertThat(ArgoHealth.of(accepted))
                .isEqualTo(new ArgoHealth.Health("Healthy", "3 features of 2 views, served by FeatureStore 'drivers'"));
        FeatureService stale = stored("ranking");
        stale.getMetadata().setGeneration(stale.getMetadata().getGeneration() + 1);
        assertThat(ArgoHealth.of(stale).status()).isEqualTo("Progressing");
        await().atMost(OperatorHarness.patience()).until(() -> servingConfig().contains("name: ranking"));

        // A view's features change what view:* stands for.
        FeatureView narrowed = client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName("driver-stats")
                .get();
        narrowed.setSpec(view("driver-stats", "drivers", "conv_rate").getSpec());
        client.resource(narrowed).update();
        await().atMost(OperatorHarness.patience())
                .until(
                        () -> stored("ranking").getStatus().features(),
                        features -> features.equals(List.of("driver-stats:conv_rate", "driver-profile:rating")));

        // The view it needs goes away: no longer accepted, no longer served.
        client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .withName("driver-profile")
                .delete();
        await().atMost(OperatorHarness.patience())
                .until(() -> "False".equals(condition(stored("ranking"), "Accepted")));
        await().atMost(OperatorHarness.patience()).until(() -> !servingConfig().contains("name: ranking"));
        assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Resolved"));
    }

    @Test
    void anInvalidServiceIsRejectedWithTheReason() {
        client.resource(store("drivers", 1)).create();
        client.resource(service("twice", "drivers", "driver-stats:x", "driver-stats:x"))
                .create();
        FeatureService rejected =
                await().atMost(OperatorHarness.patience()).until(() -> stored("twice"), s -> s.getStatus() != null);
        assertThat(condition(rejected, "Accepted")).isEqualTo("False");
        assertThat(message(rejected)).contains("spec.features[1]: 'driver-stats:x' is listed twice");
    }
}
