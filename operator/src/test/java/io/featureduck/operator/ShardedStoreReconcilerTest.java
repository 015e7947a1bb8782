package io.featureduck.operator;

import static io.featureduck.operator.OperatorHarness.NAMESPACE;
import static io.featureduck.operator.OperatorHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.operator.status.StatusConditions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sharded store against an HTTP API server (Fabric8's mock server, CRUD mode): a Deployment, a headless Service and
 * a disruption budget per shard, the Service in front routing to every shard, the shard map in status; and a change
 * of the shard count bringing the new layout up beside the old one, which keeps the clients until the switch.
 */
@EnableKubernetesMockClient(crud = true)
class ShardedStoreReconcilerTest {
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

    static FeatureStore sharded(String name, int shards) {
        FeatureStore store = OperatorHarness.store(name, 2);
        FeatureStore result =
                FeatureStore.of(name, FeatureStoreReconcilerTest.withDataPlane(store.getSpec(), 2, shards));
        result.getMetadata().setNamespace(NAMESPACE);
        return result;
    }

    @Test
    void eachShardGetsItsWorkloadPeersBudgetAndPlaceInTheShardMap() {
        client.resource(sharded("drivers", 3)).create();
        client.resource(view("driver-stats", "drivers", "conv_rate")).create();

        for (int i = 0; i < 3; i++) {
            String name = "drivers-dataplane-" + i + "-of-3";
            Deployment deployment =
                    await().atMost(OperatorHarness.patience()).until(() -> deployment(name), d -> d != null);
            List<String> args = deployment
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getArgs();
            assertThat(args)
                    .containsSequence("--shard", i + "/3")
                    .containsSequence("--peer", "0=drivers-dataplane-0-of-3:6566")
                    .containsSequence("--peer", "1=drivers-dataplane-1-of-3:6566")
                    .containsSequence("--peer", "2=drivers-dataplane-2-of-3:6566");
            assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
            assertThat(deployment.getSpec().getSelector().getMatchLabels())
                    .containsEntry("featureduck.io/shards", "3")
                    .containsEntry("featureduck.io/shard", Integer.toString(i));
            var antiAffinity = deployment
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getAffinity()
                    .getPodAntiAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution();
            assertThat(antiAffinity).singleElement().satisfies(term -> {
                assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(term.getLabelSelector().getMatchLabels())
                        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
            });
            assertThat(deployment.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(owner -> assertThat(owner.getController()).isTrue());
            Service peers = await().atMost(OperatorHarness.patience()).until(() -> service(name), s -> s != null);
            assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(peers.getSpec().getSelector())
                    .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
            await().atMost(OperatorHarness.patience())
                    .until(() -> client.policy()
                                    .v1()
                                    .podDisruptionBudget()
                                    .inNamespace(NAMESPACE)
                                    .withName(name)
                                    .get()
                            != null);
        }
        assertThat(deployment("drivers-dataplane"))
                .as("no unsharded Deployment")
                .isNull();
        Service front =
                await().atMost(OperatorHarness.patience()).until(() -> service("drivers-dataplane"), s -> s != null);
        assertThat(front.getSpec().getSelector())
                .containsEntry("featureduck.io/shards", "3")
                .doesNotContainKey("featureduck.io/shard");

        FeatureStore stored = await().atMost(OperatorHarness.patience())
                .until(
                        () -> stored("drivers"),
                        s -> s.getStatus() != null && s.getStatus().activeShards() != null);
        assertThat(stored.getStatus().activeShards()).isEqualTo(3);
        assertThat(stored.getStatus().replicas())
                .as("pods wanted across the shards")
                .isEqualTo(6);
        assertThat(stored.getStatus().shards())
                .extracting(FeatureStoreStatus.ShardStatus::shard, FeatureStoreStatus.ShardStatus::slots)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0/3", "0-1364"),
                        org.assertj.core.groups.Tuple.tuple("1/3", "1365-2729"),
                        org.assertj.core.groups.Tuple.tuple("2/3", "2730-4095"));
    }

    @Test
    void aNewShardCountComesUpBesideTheServingLayoutWhichKeepsTheClients() {
        client.resource(sharded("drivers", 2)).create();
        await().atMost(OperatorHarness.patience())
                .until(
                        () -> stored("drivers"),
                        s -> s.getStatus() != null
                                && Integer.valueOf(2).equals(s.getStatus().activeShards()));

        FeatureStore resharded = stored("drivers");
        FeatureStore changed = sharded("drivers", 3);
        resharded.setSpec(changed.getSpec());
        client.resource(resharded).update();

        for (int i = 0; i < 3; i++) {
            String name = "drivers-dataplane-" + i + "-of-3";
            await().atMost(OperatorHarness.patience()).until(() -> deployment(name) != null);
        }
        assertThat(deployment("drivers-dataplane-0-of-2"))
                .as("the serving layout stays")
                .isNotNull();
        assertThat(deployment("drivers-dataplane-1-of-2")).isNotNull();
        assertThat(service("drivers-dataplane").getSpec().getSelector())
                .as("clients stay on the serving layout until every new shard serves its versions")
                .containsEntry("featureduck.io/shards", "2");
        FeatureStore progressing = await().atMost(OperatorHarness.patience())
                .until(() -> stored("drivers"), s -> reason(s, "Progressing").equals("Resharding"));
        assertThat(progressing.getStatus().activeShards()).isEqualTo(2);
        assertThat(progressing.getStatus().shards())
                .extracting(FeatureStoreStatus.ShardStatus::shard, FeatureStoreStatus.ShardStatus::active)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0/2", true),
                        org.assertj.core.groups.Tuple.tuple("1/2", true),
                        org.assertj.core.groups.Tuple.tuple("0/3", false),
                        org.assertj.core.groups.Tuple.tuple("1/3", false),
                        org.assertj.core.groups.Tuple.tuple("2/3", false));
        assertThat(ArgoHealth.of(progressing).status()).isEqualTo("Progressing");
    }

    private static String reason(FeatureStore store, String type) {
        return store.getStatus() == null
                ? ""
                : StatusConditions.find(store.getStatus().conditions(), type)
                        .map(io.fabric8.kubernetes.api.model.Condition::getReason)
                        .orElse("");
    }

    private FeatureStore stored(String name) {
        return client.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    }

    private Service service(String name) {
        return client.services().inNamespace(NAMESPACE).withName(name).get();
    }
}
