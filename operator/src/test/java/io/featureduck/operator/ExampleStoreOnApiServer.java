package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featureduck.operator.apiserver.Chart;
import io.featureduck.operator.apiserver.ControlPlane;
import io.featureduck.operator.apiserver.StandInKubelet;
import io.featureduck.operator.dataplane.DataPlaneNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What a test of the examples' store on a real API server starts with: the chart installed, a namespace, the demo's
 * lakehouse written into a directory standing for the store's claim, the store's bearer-token Secret, the operator
 * started from the chart's settings, and the stand-in kubelet running the data-plane pods.
 *
 * @param work      the test's directory under {@code target/}
 * @param lakehouse the directory standing for the lakehouse claim
 * @param token     the bearer token the store's pods accept
 */
record ExampleStoreOnApiServer(Path work, Path lakehouse, String token, Process operator, StandInKubelet kubelet) {

    static ExampleStoreOnApiServer start(ControlPlane plane, String namespace, String directory, String operatorName)
            throws Exception {
        KubernetesClient admin = plane.admin();
        Path work = Path.of("target", directory).toAbsolutePath();
        Files.createDirectories(work);
        Chart.install(plane);
        plane.namespace(namespace);

        // The lakehouse the example's Job writes, written here by the same command into the directory standing for
        // the claim.
        Path jar = DataPlaneJar.path();
        Process demo = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        jar.toString(),
                        "demo",
                        "--dir",
                        work.resolve("demo").toString(),
                        "--write-only")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("demo.log").toFile())
                .start();
        assertThat(demo.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).as("the demo lakehouse was written").isZero();

        String token = UUID.randomUUID().toString();
        admin.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("drivers-tokens")
                        .withNamespace(namespace)
                        .endMetadata()
                        .addToStringData("tokens", token + "\n")
                        .build())
                .create();
        Process operator = Chart.startOperator(
                plane, work.resolve("operator.log"), operatorName, Map.of("FEATUREDUCK_STATUS_INTERVAL", "2s"));
        Path lakehouse = work.resolve("demo/lakehouse");
        StandInKubelet kubelet = new StandInKubelet(
                admin,
                jar,
                work.resolve("pods"),
                Map.of("lakehouse", lakehouse),
                namespace,
                DataPlaneNames.MANAGED_SELECTOR);
        return new ExampleStoreOnApiServer(work, lakehouse, token, operator, kubelet);
    }

    /** Stops the stand-in kubelet's pods and the operator. */
    void close() throws InterruptedException {
        kubelet.close();
        operator.destroy();
        operator.waitFor(30, TimeUnit.SECONDS);
    }
}
