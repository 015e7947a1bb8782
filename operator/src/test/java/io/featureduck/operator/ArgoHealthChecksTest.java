package io.featureduck.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health checks in {@code helm/featureduck/argocd/}, as Argo CD's own test runner takes them: every case of each
 * kind's {@code health_test.yaml} over its test data (statuses the operator wrote in this module's tests), and the
 * {@code argocd-cm} snippet carrying exactly those scripts. The same scripts are also applied to live statuses in
 * the reconciler tests and the examples' end-to-end test.
 */
class ArgoHealthChecksTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> KINDS = List.of("FeatureStore", "FeatureView", "FeatureService");

    @Test
    void everyCaseOfEveryKindsHealthTestHolds() throws Exception {
        for (String kind : KINDS) {
            Path directory = ArgoHealth.CUSTOMIZATIONS.resolve(kind);
            JsonNode tests = YAML.readTree(directory.resolve("health_test.yaml").toFile()).get("tests");
            assertThat(tests).as(kind).hasSizeGreaterThanOrEqualTo(4);
            java.util.Set<String> statuses = new java.util.HashSet<>();
            for (JsonNode test : tests) {
                Path input = directory.resolve(test.get("inputPath").asText());
                ArgoHealth.Health expected = new ArgoHealth.Health(test.at("/healthStatus/status").asText(),
                        test.at("/healthStatus/message").asText());
                assertThat(ArgoHealth.evaluate(kind, input)).as(kind + " " + input.getFileName()).isEqualTo(expected);
                statuses.add(expected.status());
            }
            assertThat(statuses).as(kind).contains("Healthy", "Progressing", "Degraded");
        }
    }

    @Test
    void theArgocdConfigMapSnippetCarriesExactlyTheseScripts() throws Exception {
        JsonNode snippet = YAML.readTree(ArgoHealth.CUSTOMIZATIONS.resolve("../../argocd-cm.yaml").toFile());
        assertThat(snippet.at("/metadata/name").asText()).isEqualTo("argocd-cm");
        for (String kind : KINDS) {
            assertThat(snippet.at("/data").get("resource.customizations.health.featureduck.io_" + kind).asText())
                    .as(kind).isEqualTo(Files.readString(ArgoHealth.CUSTOMIZATIONS.resolve(kind).resolve("health.lua")));
        }
    }

    @Test
    void scriptsUseOnlyWhatArgoCdAllows() throws Exception {
        for (String kind : KINDS) {
            String script = Files.readString(ArgoHealth.CUSTOMIZATIONS.resolve(kind).resolve("health.lua"));
            assertThat(script).as(kind).doesNotContain("require", "io.", "os.", "debug.", "loadstring", "dofile");
        }
    }
}
