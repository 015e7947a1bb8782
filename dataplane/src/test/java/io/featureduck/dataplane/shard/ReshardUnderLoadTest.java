package io.featureduck.dataplane.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.Sharding;
import io.featureduck.dataplane.slots.KeySlots;
import io.featureduck.dataplane.slots.ShardLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reshard as the operator runs it, with the processes of a layout standing for its pods and a client that spreads
 * its requests over whichever layout it is told to reach (the store's Service): two shards serve under load, three
 * come up beside them, the client moves once the three serve the same versions, and the two drain and stop. Not one
 * request fails or mixes table versions, and every answer is the unsharded process's. Also: a second replica of a
 * shard masks the loss of the first.
 */
class ReshardUnderLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path directory;

    static ShardedStore store;

    @BeforeAll
    static void start() {
        store = new ShardedStore(directory, 2);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void reshardingTwoToThreeUnderLoadFailsNoRequestAndMixesNoVersions() throws Exception {
        List<ObjectNode> requests = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        Random random = new Random(32);
        for (int r = 0; r < 16; r++) {
            ObjectNode request = JSON.createObjectNode();
            request.putArray("features").add("drivers:rate").add("drivers:name").add("customers:tier");
            ObjectNode entities = request.putObject("entities");
            ArrayNode drivers = entities.putArray("driver_id");
            ArrayNode customers = entities.putArray("customer_id");
            for (int e = 0; e < 50; e++) {
                drivers.add(1 + random.nextInt(ShardedStore.DRIVERS));
                customers.add("c-" + (1 + random.nextInt(ShardedStore.CUSTOMERS)));
            }
            requests.add(request);
            expected.add(comparable(post(store.single, request).body()));
        }
        AtomicReference<DataPlane[]> front = new AtomicReference<>(store.shards);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    DataPlane[] layout = front.get();
                    DataPlane target = layout[ThreadLocalRandom.current().nextInt(layout.length)];
                    int r = ThreadLocalRandom.current().nextInt(requests.size());
                    try {
                        HttpResponse<String> response = post(target, requests.get(r));
                        sent.incrementAndGet();
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        } else if (!comparable(response.body()).equals(expected.get(r))) {
                            failures.add("a different answer: " + response.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        await().until(() -> sent.get() > 50);

        DataPlane[] three = store.startLayout(3);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ShardedStore.versions(three[0]).equals(ShardedStore.versions(store.shards[0]))
                        && ShardedStore.versions(three[1]).equals(ShardedStore.versions(store.shards[0]))
                        && ShardedStore.versions(three[2]).equals(ShardedStore.versions(store.shards[0])));
        int beforeSwitch = sent.get();
        front.set(three);
        // The old layout's pods get SIGTERM once their Deployments are removed: each drains, then stops.
        List<CompletableFuture<Void>> draining = new ArrayList<>();
        for (DataPlane old : store.shards) {
            draining.add(CompletableFuture.runAsync(old::shutdownGracefully));
        }
        CompletableFuture.allOf(draining.toArray(CompletableFuture[]::new)).join();
        int afterSwitch = sent.get();
        await().until(() -> sent.get() > afterSwitch + 50);
        running.set(false);
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();

        assertThat(failures)
                .as("failed or changed answers of %d requests", sent.get())
                .isEmpty();
        assertThat(beforeSwitch).isGreaterThan(50);
        assertThat(sent.get() - beforeSwitch)
                .as("requests during and after the switch")
                .isGreaterThan(100);
    }

    @Test
    void aSecondReplicaOfAShardMasksTheLossOfTheFirst() throws Exception {
        // Shard 1 of a new two-shard layout runs twice; shard 0 knows both replicas.
        int[] ports = {ShardedStore.freePort(), ShardedStore.freePort(), ShardedStore.freePort()};
        DataPlane first = store.startProcess(1, 2, ports[1], ShardedStore.peers(new int[] {ports[0], ports[1]}, 1));
        DataPlane second = store.startProcess(1, 2, ports[2], ShardedStore.peers(new int[] {ports[0], ports[2]}, 1));
        Map<Integer, List<Sharding.Peer>> replicas = new TreeMap<>();
        replicas.put(1, List.of(new Sharding.Peer("127.0.0.1", ports[1]), new Sharding.Peer("127.0.0.1", ports[2])));
        DataPlane router = store.startProcess(0, 2, ports[0], replicas);
        ObjectNode request = JSON.createObjectNode();
        request.putArray("features").add("drivers:name");
        ArrayNode drivers = request.putObject("entities").putArray("driver_id");
        ShardLayout layout = new ShardLayout(0, 2);
        int remote = 0;
        for (long driver = 1; driver <= 200; driver++) {
            drivers.add(driver);
            remote += layout.owner(KeySlots.slot(driver)) == 1 ? 1 : 0;
        }
        assertThat(remote).isGreaterThan(50);
        String expected = comparable(post(store.single, request).body());
        assertThat(comparable(post(router, request).body())).isEqualTo(expected);
        first.close();
        for (int i = 0; i < 10; i++) {
            assertThat(comparable(post(router, request).body()))
                    .as("answer %d with one replica of shard 1 gone", i)
                    .isEqualTo(expected);
        }
        second.close();
        assertThat(post(router, request).body())
                .as("with both gone, its keys are unavailable")
                .contains("INVALID");
    }

    private static HttpResponse<String> post(DataPlane dataPlane, JsonNode body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.port() + "/get-online-features"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The answer without its data ages; table versions must each be one number. */
    private static String comparable(String answer) throws Exception {
        JsonNode json = JSON.readTree(answer);
        if (json.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("data_age_seconds");
            metadata.path("table_versions").forEach(version -> {
                if (!version.isIntegralNumber()) {
                    throw new AssertionError("mixed table versions: " + metadata.get("table_versions"));
                }
            });
        }
        return json.toString();
    }
}
