package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.featureduck.operator.config.OperatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart installs what the operator needs in one {@code helm install}: the CRDs (the generated ones, byte
 * for byte), a ServiceAccount bound to a role that grants every API call the operator makes, and a Deployment
 * configured through the operator's environment variables. Linted and rendered with Helm itself.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("..", "helm", "featureduck");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theChartLintsCleanly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void theChartShipsTheGeneratedCrds() throws IOException {
        try (Stream<Path> generated = Files.list(Path.of("..", "crds", "generated"))) {
            for (Path crd : generated.toList()) {
                assertThat(CHART.resolve("crds").resolve(crd.getFileName()))
                        .as(
                                "helm/featureduck/crds/%s must be a copy of crds/generated/%s",
                                crd.getFileName(), crd.getFileName())
                        .hasSameTextualContentAs(crd);
            }
        }
    }

    @Test
    void theRoleGrantsEveryCallTheOperatorMakes() throws IOException {
        List<JsonNode> manifests = render(Map.of());
        JsonNode role = manifests.stream()
                .filter(m -> m.path("kind").asText().equals("ClusterRole")
                        && m.at("/metadata/name").asText().equals("featureduck-operator"))
                .findFirst()
                .orElseThrow();
        record Need(String group, String resource, String verb) {}
        List<Need> needs = new ArrayList<>();
        for (String resource : List.of("featurestores", "featureviews", "featureservices")) {
            for (String verb : List.of("get", "list", "watch")) {
                needs.add(new Need("featureduck.io", resource, verb));
            }
            needs.add(new Need("featureduck.io", resource + "/status", "patch"));
        }
        for (Need owned : List.of(
                new Need("", "configmaps", ""),
                new Need("", "services", ""),
                new Need("apps", "deployments", ""),
                new Need("policy", "poddisruptionbudgets", ""))) {
            for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
                needs.add(new Need(owned.group(), owned.resource(), verb));
            }
        }
        needs.add(new Need("", "events", "create"));
        needs.add(new Need("", "pods", "list"));
        needs.add(new Need("", "pods", "watch"));
        needs.add(new Need("authorization.k8s.io", "selfsubjectrulesreviews", "create"));
        // The Lease is granted by a Role in the release's namespace only; the elector renews it with patch.
        JsonNode leaseRole = manifests.stream()
                .filter(m -> m.path("kind").asText().equals("Role")
                        && m.at("/metadata/name").asText().equals("featureduck-operator-leader-election"))
                .findFirst()
                .orElseThrow();
        for (String verb : List.of("get", "create", "update", "patch")) {
            assertThat(leaseRole.at("/rules/0/resources").toString()).isEqualTo("[\"leases\"]");
            assertThat(contains(leaseRole.at("/rules/0/verbs"), verb))
                    .as("the leader-election Role grants %s on leases", verb)
                    .isTrue();
        }
        for (Need need : needs) {
            boolean granted = false;
            for (JsonNode rule : role.path("rules")) {
                granted |= contains(rule.path("apiGroups"), need.group())
                        && contains(rule.path("resources"), need.resource())
                        && contains(rule.path("verbs"), need.verb());
            }
            assertThat(granted)
                    .as("the ClusterRole grants %s on %s/%s", need.verb(), need.group(), need.resource())
                    .isTrue();
        }
        JsonNode binding = manifests.stream()
                .filter(m -> m.path("kind").asText().equals("ClusterRoleBinding")
                        && m.at("/metadata/name").asText().equals("featureduck-operator"))
                .findFirst()
                .orElseThrow();
        JsonNode deployment = manifests.stream()
                .filter(m -> m.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        assertThat(binding.at("/subjects/0/name").asText())
                .isEqualTo(
                        deployment.at("/spec/template/spec/serviceAccountName").asText());
    }

    @Test
    void readerRolesGrantTheDataPlanesVerbsAndReviewersMayReviewTokensAndAccess() throws IOException {
        List<JsonNode> manifests = render(Map.of(
                "dataPlaneAuth.reviewers[0].namespace",
                "features",
                "dataPlaneAuth.reviewers[0].name",
                "featureduck-dataplane"));
        Map<String, JsonNode> roles = new java.util.HashMap<>();
        manifests.stream()
                .filter(m -> m.path("kind").asText().equals("ClusterRole"))
                .forEach(m -> roles.put(m.at("/metadata/name").asText(), m));
        assertThat(roles.get("featureduck-online-reader").at("/rules/0/verbs").toString())
                .contains("read-online")
                .doesNotContain("read-historical");
        assertThat(roles.get("featureduck-historical-reader")
                        .at("/rules/0/verbs")
                        .toString())
                .contains("read-historical")
                .doesNotContain("push");
        assertThat(roles.get("featureduck-pusher").at("/rules/0/verbs").toString())
                .contains("push")
                .doesNotContain("read-");
        assertThat(roles.get("featureduck-online-reader")
                        .at("/rules/0/resources/0")
                        .asText())
                .isEqualTo("featureviews");
        JsonNode reviewer = manifests.stream()
                .filter(m -> m.path("kind").asText().equals("ClusterRoleBinding")
                        && m.at("/roleRef/name").asText().equals("system:auth-delegator"))
                .findFirst()
                .orElseThrow();
        assertThat(reviewer.at("/subjects/0/name").asText()).isEqualTo("featureduck-dataplane");
        assertThat(reviewer.at("/subjects/0/namespace").asText()).isEqualTo("features");
        assertThat(render(Map.of()).stream()
                        .filter(m -> m.at("/roleRef/name").asText().equals("system:auth-delegator")))
                .as("no reviewer unless one is listed")
                .isEmpty();
    }

    @Test
    void theDeploymentConfiguresTheOperatorThroughItsEnvironment() throws IOException {
        JsonNode ha = deployment(render(Map.of()));
        assertThat(ha.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(env(ha))
                .containsEntry("FEATUREDUCK_LEADER_ELECTION", "true")
                .containsEntry("FEATUREDUCK_SERVER_SIDE_APPLY", "true")
                .containsEntry("FEATUREDUCK_LEASE_NAMESPACE", "featureduck-system")
                .containsEntry("FEATUREDUCK_NAMESPACES", "");
        assertThat(ha.at("/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem")
                        .asBoolean())
                .isTrue();

        JsonNode single = deployment(render(Map.of(
                "replicas",
                1,
                "operator.watchNamespaces[0]",
                "features",
                "operator.watchNamespaces[1]",
                "staging",
                "operator.serverSideApply",
                false)));
        assertThat(env(single))
                .containsEntry("FEATUREDUCK_LEADER_ELECTION", "false")
                .containsEntry("FEATUREDUCK_SERVER_SIDE_APPLY", "false")
                .containsEntry("FEATUREDUCK_NAMESPACES", "features,staging");
        // Every variable the chart sets is one the operator reads.
        assertThat(OperatorSettings.DOCUMENTATION).contains(env(single).keySet());
    }

    private static List<JsonNode> render(Map<String, Object> values) throws IOException {
        var template = new Helm(CHART).template().withName("featureduck").withNamespace("featureduck-system");
        values.forEach(template::set);
        List<JsonNode> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> documents =
                YAML.readerFor(JsonNode.class).readValues(template.call())) {
            for (JsonNode document : documents.readAll()) {
                if (document != null && !document.isEmpty()) {
                    manifests.add(document);
                }
            }
        }
        assertThat(manifests)
                .extracting(m -> m.path("kind").asText())
                .containsAll(Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment"));
        return manifests;
    }

    private static JsonNode deployment(List<JsonNode> manifests) {
        return manifests.stream()
                .filter(m -> m.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> env(JsonNode deployment) {
        Map<String, String> env = new java.util.TreeMap<>();
        for (JsonNode variable : deployment.at("/spec/template/spec/containers/0/env")) {
            env.put(variable.path("name").asText(), variable.path("value").asText());
        }
        return env;
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode item : list) {
            if (item.asText().equals(value) || item.asText().equals("*")) {
                return true;
            }
        }
        return false;
    }
}
