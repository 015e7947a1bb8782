package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The health checks in {@code helm/featureduck/argocd/}, as Argo CD's own test runner takes them: every case of each
 * kind's {@code health_test.yaml} over its test data (statuses the operator wrote in this module's tests), and the
 * {@code argocd-cm} snippet carrying exactly those scripts. The same scripts are also applied to live statuses in
 * the reconciler tests and the examples' end-to-end test.
 */
class ArgoHealthChecksTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> KINDS =
            List.of("FeatureStore", "FeatureView", "FeatureService", "HistoricalRetrieval");

    @Test
    void everyCaseOfEveryKindsHealthTestHolds() throws Exception {
        for (String kind : KINDS) {
            Path directory = ArgoHealth.CUSTOMIZATIONS.resolve(kind);
            JsonNode tests = YAML.readTree(directory.resolve("health_test.yaml").toFile())
                    .get("tests");
            assertThat(tests).as(kind).hasSizeGreaterThanOrEqualTo(4);
            java.util.Set<String> statuses = new java.util.HashSet<>();
            for (JsonNode test : tests) {
                Path input = directory.resolve(test.get("inputPath").asText());
                ArgoHealth.Health expected = new ArgoHealth.Health(
                        test.at("/healthStatus/status").asText(),
                        test.at("/healthStatus/message").asText());
                assertThat(ArgoHealth.evaluate(kind, input))
                        .as(kind + " " + input.getFileName())
                        .isEqualTo(expected);
                statuses.add(expected.status());
            }
            assertThat(statuses).as(kind).contains("Healthy", "Progressing", "Degraded");
        }
    }

    @Test
    void theArgocdConfigMapSnippetCarriesExactlyTheseScripts() throws Exception {
        JsonNode snippet = YAML.readTree(
                ArgoHealth.CUSTOMIZATIONS.resolve("../../argocd-cm.yaml").toFile());
        assertThat(snippet.at("/metadata/name").asText()).isEqualTo("argocd-cm");
        for (String kind : KINDS) {
            assertThat(snippet.at("/data")
                            .get("resource.customizations.health.featureduck.io_" + kind)
                            .asText())
                    .as(kind)
                    .isEqualTo(Files.readString(
                            ArgoHealth.CUSTOMIZATIONS.resolve(kind).resolve("health.lua")));
        }
    }

    /**
     * The reasons the scripts compare against, and those in their test data, are reasons the operator writes: each is
     * named once, in {@link io.featureduck.operator.status.Reason}, so renaming one there fails here.
     */
    @Test
    void everyReasonTheScriptsAndTheirTestDataNameIsOneTheOperatorWrites() throws Exception {
        java.util.Set<String> written = java.util.Arrays.stream(io.featureduck.operator.status.Reason.values())
                .map(io.featureduck.operator.status.Reason::wireName)
                .collect(java.util.stream.Collectors.toSet());
        java.util.regex.Pattern compared = java.util.regex.Pattern.compile("reason ==? \"([A-Za-z]+)\"");
        java.util.regex.Pattern recorded = java.util.regex.Pattern.compile("reason: \"?([A-Za-z]+)\"?");
        int found = 0;
        for (String kind : KINDS) {
            Path directory = ArgoHealth.CUSTOMIZATIONS.resolve(kind);
            java.util.regex.Matcher inScript = compared.matcher(Files.readString(directory.resolve("health.lua")));
            while (inScript.find()) {
                assertThat(written).as(kind + " health.lua").contains(inScript.group(1));
                found++;
            }
            try (var files = Files.list(directory.resolve("testdata"))) {
                for (Path data : files.toList()) {
                    java.util.regex.Matcher inData = recorded.matcher(Files.readString(data));
                    while (inData.find()) {
                        // Reasons the kubelet or a Deployment gave are passed through as they are.
                        if (!List.of("CrashLoopBackOff", "ProgressDeadlineExceeded", "CreateContainerConfigError")
                                .contains(inData.group(1))) {
                            assertThat(written)
                                    .as(data.getFileName().toString())
                                    .contains(inData.group(1));
                        }
                        found++;
                    }
                }
            }
        }
        assertThat(found).as("reasons found").isGreaterThan(10);
    }

    @Test
    void scriptsUseOnlyWhatArgoCdAllows() throws Exception {
        for (String kind : KINDS) {
            String script =
                    Files.readString(ArgoHealth.CUSTOMIZATIONS.resolve(kind).resolve("health.lua"));
            assertThat(script).as(kind).doesNotContain("require", "io.", "os.", "debug.", "loadstring", "dofile");
        }
    }
}
