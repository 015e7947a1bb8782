package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.operator.apiserver.ControlPlane;
import io.featureduck.operator.apiserver.Manifests;
import io.featureduck.operator.apiserver.RealApiServer;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.status.StatusConditions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sharded store on a real API server, with its controller manager and the stand-in kubelet running the pods (the
 * shards find each other through their headless Services' names): two shards serve the example's views, every pod
 * answering every key; then {@code spec.dataPlane.shards: 3} brings three new shards up beside the two, clients are
 * switched once the new shards serve the same table versions, and the old layout is removed.
 */
@ExtendWith(RealApiServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedStoreOnApiServerIT {
    static final String NAMESPACE = "sharded-on-apiserver";
    static final String STORE = "drivers";
    static final Duration PATIENCE = Duration.ofSeconds(180);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String DRIVERS = "1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012";

    static KubernetesClient admin;
    static ExampleStoreOnApiServer example;
    static String token;
    static String unshardedAnswer;
    /** The pods of the two shards before the reshard: they must serve on, unrestarted, until the switch. */
    static List<String> servingPods;

    @BeforeAll
    static void start(ControlPlane plane) throws Exception {
        admin = plane.admin();
        example =
                ExampleStoreOnApiServer.start(plane, NAMESPACE, "sharded-on-apiserver", "featureduck-operator-sharded");
        token = example.token();
        Path lakehouse = example.lakehouse();
        ObjectNode store = Manifests.example("examples/kubernetes/feature-store.yaml", STORE);
        ((ObjectNode) store.at("/spec/lakehouse")).put("root", lakehouse.toString());
        ObjectNode dataPlane = (ObjectNode) store.at("/spec/dataPlane");
        // One pod per shard, and the demo's small tables split rather than held whole.
        dataPlane.put("replicas", 1).put("shards", 2).put("replicateBelowRows", 10);
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
    void twoShardsServeEveryKeyFromEitherPod() throws Exception {
        FeatureStore store = await().atMost(PATIENCE)
                .until(
                        ShardedStoreOnApiServerIT::store,
                        s -> ready(s) && shardPods(2).size() == 2);
        assertThat(store.getStatus().activeShards()).isEqualTo(2);
        assertThat(store.getStatus().shards())
                .extracting(FeatureStoreStatus.ShardStatus::shard, FeatureStoreStatus.ShardStatus::readyReplicas)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0/2", 1), org.assertj.core.groups.Tuple.tuple("1/2", 1));
        assertThat(ArgoHealth.of(store).status()).isEqualTo("Healthy");
        List<String> answers = await().atMost(PATIENCE)
                .until(
                        () -> shardPods(2).stream()
                                .map(ShardedStoreOnApiServerIT::answer)
                                .toList(),
                        all -> all.stream().allMatch(a -> !a.isEmpty() && !a.contains("INVALID")));
        assertThat(answers.get(0)).as("both shards give one answer").isEqualTo(answers.get(1));
        JsonNode first = JSON.readTree(answers.get(0));
        assertThat(first.at("/results/1/statuses").toString()).doesNotContain("NOT_FOUND");
        for (Pod pod : shardPods(2)) {
            JsonNode views = JSON.readTree(get(pod, "/v1/views"));
            assertThat(views.at("/views/0/shard/of").asText()).endsWith("/2");
        }
        unshardedAnswer = answers.get(0);
        servingPods = shardPods(2).stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    @Order(2)
    void threeShardsComeUpBesideTheTwoAndTakeTheClientsOnceTheyServeTheSameVersions() throws Exception {
        FeatureStore store = store();
        ObjectNode changed = Manifests.example("examples/kubernetes/feature-store.yaml", STORE);
        ((ObjectNode) changed.at("/spec/lakehouse"))
                .put("root", store.getSpec().lakehouse().root());
        ((ObjectNode) changed.at("/spec/dataPlane"))
                .put("replicas", 1)
                .put("shards", 3)
                .put("replicateBelowRows", 10);
        apply(changed);

        FeatureStore switched = await().atMost(PATIENCE)
                .until(
                        ShardedStoreOnApiServerIT::store,
                        s -> s.getStatus() != null
                                && Integer.valueOf(3).equals(s.getStatus().activeShards()));
        assertThat(admin.events().v1().events().inNamespace(NAMESPACE).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Resharded"));
        await().atMost(PATIENCE)
                .until(() -> admin.services()
                        .inNamespace(NAMESPACE)
                        .withName(DataPlaneNames.dataPlane(STORE))
                        .get()
                        .getSpec()
                        .getSelector()
                        .get(DataPlaneNames.SHARDS_LABEL)
                        .equals("3"));
        await().atMost(PATIENCE)
                .until(() -> admin.apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withLabel(DataPlaneNames.SHARDS_LABEL, "2")
                        .list()
                        .getItems()
                        .isEmpty());
        await().atMost(PATIENCE)
                .until(() -> shardPods(2).isEmpty() && shardPods(3).size() == 3);
        FeatureStore ready = await().atMost(PATIENCE)
                .until(
                        ShardedStoreOnApiServerIT::store,
                        s -> ready(s) && s.getStatus().shards().size() == 3);
        assertThat(ready.getStatus().shards())
                .allSatisfy(shard -> assertThat(shard.active()).isTrue());
        for (Pod pod : shardPods(3)) {
            assertThat(answer(pod)).as("pod %s", pod.getMetadata().getName()).isEqualTo(unshardedAnswer);
        }
        assertThat(switched.getStatus().activeShards()).isEqualTo(3);
    }

    private static String answer(Pod pod) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://" + pod.getStatus().getPodIP() + ":" + DataPlaneNames.HTTP_PORT
                                            + "/get-online-features"))
                            .header("authorization", "Bearer " + token)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"features\": [\"driver-stats:conv_rate\", \"driver-profile:vehicle_type\"],"
                                            + " \"entities\": {\"driver_id\": [" + DRIVERS + "]}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return "";
            }
            JsonNode json = JSON.readTree(response.body());
            ((ObjectNode) json.get("metadata")).remove("data_age_seconds");
            return json.toString();
        } catch (Exception e) {
            return "";
        }
    }

    private static String get(Pod pod, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://" + pod.getStatus().getPodIP() + ":" + DataPlaneNames.HTTP_PORT + path))
                                .header("authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static List<Pod> shardPods(int shards) {
        return admin
                .pods()
                .inNamespace(NAMESPACE)
                .withLabel(DataPlaneNames.SHARDS_LABEL, Integer.toString(shards))
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null
                        && p.getStatus() != null
                        && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                                .anyMatch(c -> c.getType().equals("Ready")
                                        && c.getStatus().equals("True")))
                .toList();
    }

    private static boolean ready(FeatureStore store) {
        return store != null
                && store.getStatus() != null
                && StatusConditions.find(store.getStatus().conditions(), "Ready")
                        .map(c -> c.getStatus().equals("True"))
                        .orElse(false);
    }

    private static FeatureStore store() {
        return admin.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName(STORE)
                .get();
    }

    private static void apply(JsonNode document) {
        admin.resource(Manifests.resource(document))
                .inNamespace(NAMESPACE)
                .fieldManager(Manifests.TEST_MANAGER)
                .forceConflicts()
                .serverSideApply();
    }
}
