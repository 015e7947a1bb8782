package io.featureduck.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Helm chart on a real API server: every manifest it renders (with its default values and with every optional
 * part switched on) passes a server-side dry run, and {@code helm install} deploys it: its CRDs are established and the
 * controller manager turns its Deployment into a ReplicaSet and Pods.
 */
@ExtendWith(RealApiServer.class)
class HelmChartOnApiServerIT {
    /** Values that switch on every optional part of the chart. */
    static final List<String> EVERYTHING = List.of(
            "--set", "replicas=1",
            "--set", "operator.statusInterval=10s",
            "--set", "operator.watchNamespaces={features,ranking}",
            "--set", "dataPlaneAuth.reviewers[0].namespace=features",
            "--set", "dataPlaneAuth.reviewers[0].name=featureduck-dataplane",
            "--set", "nodeSelector.kubernetes\\.io/os=linux");

    @TestFactory
    Stream<DynamicTest> everyRenderedManifestPassesAServerSideDryRun(ControlPlane plane) {
        plane.namespace(Chart.NAMESPACE);
        List<DynamicTest> tests = new ArrayList<>();
        for (List<String> values : List.of(List.<String>of(), EVERYTHING)) {
            List<String> args = new ArrayList<>(List.of(
                    "template", Chart.RELEASE, "helm/featureduck", "--namespace", Chart.NAMESPACE, "--include-crds"));
            args.addAll(values);
            List<JsonNode> documents = Manifests.documents(plane.helm(args.toArray(String[]::new)));
            assertThat(documents)
                    .extracting(d -> d.path("kind").asText())
                    .contains(
                            "CustomResourceDefinition",
                            "ClusterRole",
                            "ClusterRoleBinding",
                            "Deployment",
                            "ServiceAccount");
            for (JsonNode document : documents) {
                String name = (values.isEmpty() ? "defaults " : "every option ")
                        + document.path("kind").asText() + "/"
                        + document.at("/metadata/name").asText();
                tests.add(DynamicTest.dynamicTest(
                        name,
                        () -> assertThat(Manifests.dryRun(plane.admin(), document, Chart.NAMESPACE))
                                .as("the API server's refusal of %s", name)
                                .isEmpty()));
            }
        }
        return tests.stream();
    }

    @Test
    void helmInstallDeploysTheChart(ControlPlane plane) {
        Chart.install(plane);
        assertThat(plane.helm("status", Chart.RELEASE, "--namespace", Chart.NAMESPACE))
                .contains("STATUS: deployed");
        for (String crd : List.of("featurestores", "featureviews", "featureservices")) {
            assertThat(Manifests.established(plane.admin()
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(crd + ".featureduck.io")
                            .get()))
                    .as(crd)
                    .isTrue();
        }
        // The controller manager runs: the chart's Deployment gets a ReplicaSet and its Pods (which stay Pending:
        // there is no scheduler or kubelet), with the chart's ServiceAccount.
        ReplicaSet replicas = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> plane.admin().apps().replicaSets().inNamespace(Chart.NAMESPACE).list().getItems().stream()
                                .filter(r -> r.getMetadata().getOwnerReferences().stream()
                                        .anyMatch(o -> o.getName().equals(Chart.OPERATOR)))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
        List<Pod> pods = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> plane.admin().pods().inNamespace(Chart.NAMESPACE).list().getItems().stream()
                                .filter(p -> p.getMetadata().getOwnerReferences().stream()
                                        .anyMatch(o -> o.getName()
                                                .equals(replicas.getMetadata().getName())))
                                .toList(),
                        p -> p.size() == replicas.getSpec().getReplicas());
        assertThat(pods)
                .allSatisfy(p -> assertThat(p.getSpec().getServiceAccountName()).isEqualTo(Chart.OPERATOR));
    }
}
