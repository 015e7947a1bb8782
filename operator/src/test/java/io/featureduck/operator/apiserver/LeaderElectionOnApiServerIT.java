package io.featureduck.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featureduck.crds.FeatureStore;
import io.featureduck.operator.config.OperatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator replicas, as the chart runs them (two replicas turn leader election on), on a real API server: one
 * holds the Lease and reconciles, the other reconciles nothing; when the leader is killed the other takes the Lease
 * within its duration and reconciles what changed meanwhile.
 */
@ExtendWith(RealApiServer.class)
class LeaderElectionOnApiServerIT {
    static final String NAMESPACE = "leader-election";
    /** How the framework logs each reconcile it dispatches (at debug, which Chart.startOperator turns on). */
    static final String RECONCILE = "Handling dispatch for resource";

    final List<Process> replicas = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process replica : replicas) {
            replica.destroy();
            replica.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItDies(ControlPlane plane) throws Exception {
        Chart.install(plane);
        plane.namespace(NAMESPACE);
        KubernetesClient admin = plane.admin();
        assertThat(Chart.operatorEnvironment(plane)).containsEntry("FEATUREDUCK_LEADER_ELECTION", "true");
        Path work = Path.of("target", "leader-election").toAbsolutePath();
        Files.createDirectories(work);
        for (int i = 0; i < 2; i++) {
            replicas.add(Chart.startOperator(
                    plane, work.resolve("replica-" + i + ".log"), "featureduck-operator-" + i, Map.of()));
        }
        Lease lease = await().atMost(Duration.ofSeconds(90))
                .until(
                        () -> admin.leases()
                                .inNamespace(Chart.NAMESPACE)
                                .withName(OperatorSettings.LEASE_NAME)
                                .get(),
                        l -> l != null
                                && l.getSpec().getHolderIdentity() != null
                                && !l.getSpec().getHolderIdentity().isEmpty()
                                && replicas.stream()
                                        .anyMatch(r ->
                                                log(work, replicas.indexOf(r)).contains("This replica leads")));
        int leader = lease.getSpec().getHolderIdentity().startsWith("featureduck-operator-0_") ? 0 : 1;
        int standby = 1 - leader;
        int transitions = lease.getSpec().getLeaseTransitions() == null
                ? 0
                : lease.getSpec().getLeaseTransitions();

        // The leader reconciles a new store; the standby does not touch it.
        admin.resource(store(admin, "first")).inNamespace(NAMESPACE).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> configMap(admin, "first"));
        assertThat(log(work, leader)).contains(RECONCILE);
        assertThat(log(work, standby)).doesNotContain(RECONCILE).doesNotContain("This replica leads");

        // The leader dies without releasing the Lease; the standby takes it once the Lease expires and reconciles
        // what changed in between.
        Instant killed = Instant.now();
        replicas.get(leader).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        admin.resource(store(admin, "second")).inNamespace(NAMESPACE).create();
        Duration leaseDuration = Duration.ofSeconds(lease.getSpec().getLeaseDurationSeconds());
        await().atMost(leaseDuration.plusSeconds(20)).until(() -> configMap(admin, "second"));
        Duration takeover = Duration.between(killed, Instant.now());
        Lease taken = admin.leases()
                .inNamespace(Chart.NAMESPACE)
                .withName(OperatorSettings.LEASE_NAME)
                .get();
        assertThat(taken.getSpec().getHolderIdentity()).startsWith("featureduck-operator-" + standby + "_");
        assertThat(taken.getSpec().getLeaseTransitions()).isGreaterThan(transitions);
        assertThat(log(work, standby)).contains("This replica leads");
        // The standby's first reconcile comes after it took the Lease: it never reconciled beside the leader.
        String standbyLog = log(work, standby);
        assertThat(standbyLog.indexOf("This replica leads")).isLessThan(standbyLog.indexOf(RECONCILE));
        System.out.println("the standby took over " + takeover.toMillis() + " ms after the leader was killed (lease "
                + leaseDuration.toSeconds() + " s)");
        assertThat(takeover).isLessThan(leaseDuration.plusSeconds(20));
    }

    private static boolean configMap(KubernetesClient admin, String store) {
        return admin.configMaps()
                        .inNamespace(NAMESPACE)
                        .withName(store + "-serving-config")
                        .get()
                != null;
    }

    private static String log(Path work, int replica) {
        try {
            return Files.readString(work.resolve("replica-" + replica + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** A minimal store, open (auth none) and on a claim: enough for the operator to generate its objects. */
    private static FeatureStore store(KubernetesClient client, String name) {
        return client.getKubernetesSerialization().unmarshal("""
                        apiVersion: featureduck.io/v1alpha1
                        kind: FeatureStore
                        metadata: {name: %s}
                        spec:
                          lakehouse: {format: delta, root: /var/lib/featureduck/lakehouse, persistentVolumeClaim: lakehouse}
                          dataPlane: {replicas: 1, auth: {type: none}}
                        """.formatted(name), FeatureStore.class);
    }
}
