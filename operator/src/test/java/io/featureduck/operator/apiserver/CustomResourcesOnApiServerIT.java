package io.featureduck.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CRDs of {@code crds/generated/} on a real API server: it accepts them (structural schemas, CEL rules that
 * compile within the cost budget), accepts every example, and refuses a broken spec for each schema constraint and CEL
 * rule with that rule's message, as {@code kubectl apply} would show it.
 */
@ExtendWith(RealApiServer.class)
class CustomResourcesOnApiServerIT {
    static final String NAMESPACE = "crd-checks";

    static KubernetesClient admin;
    static Map<String, ObjectNode> bases;

    @BeforeAll
    static void installCrds(ControlPlane plane) {
        admin = plane.admin();
        Manifests.installCrds(admin, Manifests.CRDS);
        // The GitOps example's Application and AppProject are Argo CD's kinds, in Argo CD's namespace.
        Manifests.installCrds(admin, plane.argoCdCrds());
        plane.namespace("argocd");
        plane.namespace(NAMESPACE);
        bases = Map.of(
                "FeatureStore", Manifests.example("examples/kubernetes/feature-store.yaml", "drivers"),
                "FeatureView", Manifests.example("examples/kubernetes/feature-views.yaml", "driver-stats"),
                "FeatureService", Manifests.example("examples/kubernetes/feature-views.yaml", "driver-ranking"),
                "HistoricalRetrieval",
                        Manifests.example("examples/kubernetes/historical-retrieval.yaml", "driver-training"));
        // An Established CRD's schema reaches server-side apply a moment later; until then an apply of its kind
        // fails to build its typed patch. Every base object is accepted once it has.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> bases.values().stream()
                        .allMatch(
                                base -> Manifests.dryRun(admin, base, NAMESPACE).isEmpty()));
    }

    @Test
    void theApiServerEstablishesEveryCrdWithAStructuralSchema() {
        for (Path file : Manifests.yamlFiles(Manifests.CRDS)) {
            String name = Manifests.documents(file).get(0).at("/metadata/name").asText();
            CustomResourceDefinition crd = admin.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(name)
                    .get();
            assertThat(Manifests.established(crd)).as(name).isTrue();
            assertThat(crd.getStatus().getConditions())
                    .as("%s: the API server's verdict on the schema", name)
                    .noneMatch(c -> c.getType().equals("NonStructuralSchema")
                            && c.getStatus().equals("True"));
            assertThat(crd.getStatus().getAcceptedNames().getKind()).isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleIsAcceptedByAServerSideDryRun() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : Manifests.yamlFiles(Manifests.ROOT.resolve("examples"))) {
            for (JsonNode document : Manifests.documents(file)) {
                String name = Manifests.ROOT.relativize(file) + " "
                        + document.path("kind").asText() + "/"
                        + document.at("/metadata/name").asText();
                tests.add(DynamicTest.dynamicTest(
                        name,
                        () -> assertThat(Manifests.dryRun(admin, document, NAMESPACE))
                                .as("the API server's refusal of %s", name)
                                .isEmpty()));
            }
        }
        assertThat(tests).hasSizeGreaterThan(10);
        return tests.stream();
    }

    /** Every schema constraint, broken by a value just past it, is refused naming the field and the constraint. */
    @TestFactory
    Stream<DynamicTest> everySchemaConstraintRefusesAValueThatBreaksIt() {
        return rules().stream()
                .filter(rule -> !rule.isCelRule())
                .map(rule -> DynamicTest.dynamicTest(rule.toString(), () -> {
                    ObjectNode broken = rule.breaking(bases.get(rule.kind()));
                    List<String> refusal = Manifests.dryRun(admin, broken, NAMESPACE);
                    assertThat(refusal)
                            .as("what the API server said to %s", rule)
                            .anyMatch(said -> names(said, rule.field()) && said.contains(rule.expectedMessage()));
                }));
    }

    /** Every CEL rule has a case here, and the API server refuses the case with the rule's message. */
    @TestFactory
    Stream<DynamicTest> everyCelRuleRefusesItsCaseWithItsMessage() {
        List<SchemaRule> celRules =
                rules().stream().filter(SchemaRule::isCelRule).toList();
        assertThat(celRules).hasSizeGreaterThan(20);
        for (SchemaRule rule : celRules) {
            assertThat(CelRuleCases.ALL.stream().filter(c -> c.covers(rule)))
                    .as("CelRuleCases needs exactly one case that breaks %s", rule)
                    .hasSize(1);
        }
        for (CelRuleCases c : CelRuleCases.ALL) {
            assertThat(celRules.stream().filter(c::covers))
                    .as("the case %s names no rule of the CRDs", c)
                    .hasSize(1);
        }
        return celRules.stream()
                .map(rule -> DynamicTest.dynamicTest(rule.toString(), () -> {
                    CelRuleCases c = CelRuleCases.ALL.stream()
                            .filter(x -> x.covers(rule))
                            .findFirst()
                            .orElseThrow();
                    ObjectNode base = bases.get(rule.kind());
                    List<String> refusal;
                    if (c.update()) {
                        ObjectNode stored = base.deepCopy();
                        ((ObjectNode) stored.get("metadata")).put("name", "transition-check");
                        admin.resource(Manifests.resource(stored))
                                .inNamespace(NAMESPACE)
                                .delete();
                        admin.resource(Manifests.resource(stored))
                                .inNamespace(NAMESPACE)
                                .create();
                        try {
                            refusal = Manifests.dryRun(admin, c.breaking(stored), NAMESPACE);
                            assertThat(Manifests.dryRun(admin, stored, NAMESPACE))
                                    .as("the unchanged object is accepted")
                                    .isEmpty();
                        } finally {
                            admin.resource(Manifests.resource(stored))
                                    .inNamespace(NAMESPACE)
                                    .withTimeoutInMillis(10_000)
                                    .delete();
                        }
                    } else {
                        assertThat(Manifests.dryRun(admin, base, NAMESPACE))
                                .as("the base object is accepted")
                                .isEmpty();
                        refusal = Manifests.dryRun(admin, c.breaking(base), NAMESPACE);
                    }
                    assertThat(refusal)
                            .as("what the API server said to %s", c)
                            .anyMatch(said -> names(said, rule.field()) && said.contains(rule.expectedMessage()));
                }));
    }

    /**
     * Whether a cause the API server gave names {@code field}. A rule on the object itself names no field, which the
     * API server writes as "<nil>" (a rule's fieldPath cannot point into metadata).
     */
    private static boolean names(String said, String field) {
        return field.isEmpty() ? said.startsWith("<nil>: ") || said.startsWith(": ") : said.startsWith(field + ": ");
    }

    private static List<SchemaRule> rules() {
        List<SchemaRule> rules = new ArrayList<>();
        for (Path file : Manifests.yamlFiles(Manifests.CRDS)) {
            rules.addAll(SchemaRule.of(Manifests.documents(file).get(0)));
        }
        return rules;
    }
}
