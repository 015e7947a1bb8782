package io.featureduck.operator;

import static io.featureduck.operator.OperatorHarness.NAMESPACE;
import static io.featureduck.operator.OperatorHarness.store;
import static io.featureduck.operator.OperatorHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator runs outside a cluster, as a developer runs it: {@code java -jar
 * operator/target/featureduck-operator.jar} with a kubeconfig (here one pointing at the test's API server) and its
 * settings in environment variables.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorJarIT {
    static final Path JAR = Path.of("target", "featureduck-operator.jar");

    KubernetesClient client;

    @TempDir
    Path work;

    @Test
    void helpListsEverySetting() throws Exception {
        Process help = new ProcessBuilder(java(), "-jar", JAR.toString(), "--help")
                .redirectErrorStream(true)
                .start();
        String out = new String(help.getInputStream().readAllBytes());
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("FEATUREDUCK_SERVER_SIDE_APPLY", "FEATUREDUCK_NAMESPACES", "KUBECONFIG");
    }

    @Test
    void reconcilesWithTheCurrentKubeconfig() throws Exception {
        Path kubeconfig = work.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: test
                    cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                  - name: developer
                    user: {token: developer}
                contexts:
                  - name: test
                    context: {cluster: test, user: developer, namespace: %s}
                current-context: test
                """.formatted(client.getMasterUrl().toString(), NAMESPACE));
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("operator.log").toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("FEATUREDUCK_SERVER_SIDE_APPLY", "false");
        builder.environment().put("FEATUREDUCK_NAMESPACES", NAMESPACE);
        Process operator = builder.start();
        try {
            client.resource(store("drivers", 1)).create();
            client.resource(view("driver-stats", "drivers", "conv_rate")).create();
            ConfigMap config = await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> client.configMaps()
                                    .inNamespace(NAMESPACE)
                                    .withName("drivers-serving-config")
                                    .get(),
                            c -> c != null);
            assertThat(config.getData().get("feature-store.yaml")).contains("name: driver-stats");
            assertThat(operator.isAlive()).isTrue();
        } finally {
            operator.destroy();
            operator.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(work.resolve("operator.log"))).contains("FeatureDuck operator started");
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
