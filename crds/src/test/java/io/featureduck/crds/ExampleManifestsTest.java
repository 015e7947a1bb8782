package io.featureduck.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every FeatureStore, FeatureView and FeatureService in {@code examples/} passes the generated CRDs' schemas and CEL rules, and
 * broken variants of them fail with the messages a user would see from {@code kubectl apply}.
 */
class ExampleManifestsTest {
    static Map<String, CrdSchema> schemas;

    @BeforeAll
    static void loadCrds() throws IOException {
        schemas = Map.of(
                "FeatureStore",
                        CrdSchema.load(
                                CustomResourceDefinitionsTest.GENERATED.resolve("featurestores.featureduck.io-v1.yml")),
                "FeatureView",
                        CrdSchema.load(
                                CustomResourceDefinitionsTest.GENERATED.resolve("featureviews.featureduck.io-v1.yml")),
                "FeatureService",
                        CrdSchema.load(CustomResourceDefinitionsTest.GENERATED.resolve(
                                "featureservices.featureduck.io-v1.yml")),
                "HistoricalRetrieval",
                        CrdSchema.load(CustomResourceDefinitionsTest.GENERATED.resolve(
                                "historicalretrievals.featureduck.io-v1.yml")));
    }

    static List<JsonNode> exampleResources() throws IOException {
        List<JsonNode> resources = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("..", "examples"))) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            try (MappingIterator<JsonNode> documents =
                    CrdSchema.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                for (JsonNode document : documents.readAll()) {
                    if (document.path("apiVersion").asText().startsWith(ApiVersions.GROUP + "/")) {
                        resources.add(document);
                    }
                }
            }
        }
        return resources;
    }

    @Test
    void everyExampleValidatesAgainstItsCrd() throws IOException {
        List<JsonNode> resources = exampleResources();
        assertThat(resources)
                .extracting(r -> r.path("kind").asText())
                .contains("FeatureStore", "FeatureView", "FeatureService", "HistoricalRetrieval");
        assertThat(resources.size()).isGreaterThanOrEqualTo(6);
        for (JsonNode resource : resources) {
            assertThat(schemas.get(resource.path("kind").asText()).validate(resource, null))
                    .as(resource.path("kind").asText() + " "
                            + resource.at("/metadata/name").asText())
                    .isEmpty();
        }
    }

    @Test
    void aRetrievalNamesOneSourceOfRowsAndOfFeaturesAndNeverChanges() throws IOException {
        JsonNode retrieval = exampleResources().stream()
                .filter(r -> r.path("kind").asText().equals("HistoricalRetrieval"))
                .findFirst()
                .orElseThrow();
        CrdSchema crd = schemas.get("HistoricalRetrieval");
        assertThat(crd.validate(retrieval, null)).isEmpty();
        assertThat(crd.validate(retrieval, retrieval)).as("unchanged").isEmpty();

        ObjectNode both = retrieval.deepCopy();
        ((ObjectNode) both.at("/spec")).putObject("entityRows").put("uri", "s3://training/entities.parquet");
        assertThat(crd.validate(both, null)).singleElement().asString().contains("give entityRows or a timeRange");
        ObjectNode neither = retrieval.deepCopy();
        ((ObjectNode) neither.at("/spec")).remove("features");
        assertThat(crd.validate(neither, null)).singleElement().asString().contains("name the features");
        ObjectNode backwards = retrieval.deepCopy();
        ((ObjectNode) backwards.at("/spec/timeRange")).put("end", "2025-12-31T00:00:00Z");
        assertThat(crd.validate(backwards, null)).singleElement().asString().contains("the time range is empty");
        ObjectNode notATime = retrieval.deepCopy();
        ((ObjectNode) notATime.at("/spec/timeRange")).put("start", "yesterday");
        assertThat(crd.validate(notATime, null)).isNotEmpty();
        ObjectNode changed = retrieval.deepCopy();
        ((ObjectNode) changed.at("/spec")).put("fullFeatureNames", true);
        assertThat(crd.validate(changed, retrieval)).singleElement().asString().contains("a retrieval runs once");
        ObjectNode unknownFormat = retrieval.deepCopy();
        ((ObjectNode) unknownFormat.at("/spec/output")).put("format", "orc");
        assertThat(crd.validate(unknownFormat, null)).isNotEmpty();
    }

    @Test
    void pushesAreAcceptedOnlyByViewsWithAnEventTimeAndWithinTheRowLimit() throws IOException {
        JsonNode view = exampleResources().stream()
                .filter(r -> r.at("/metadata/name").asText().equals("driver-stats"))
                .findFirst()
                .orElseThrow();
        CrdSchema crd = schemas.get("FeatureView");

        ObjectNode pushing = view.deepCopy();
        ((ObjectNode) pushing.at("/spec"))
                .putObject("push")
                .put("enabled", true)
                .put("sourceName", "driver_stats_push")
                .put("flushInterval", "200ms")
                .put("maxBatchRows", 5000);
        assertThat(crd.validate(pushing, null)).isEmpty();

        ObjectNode snapshot = pushing.deepCopy();
        ((ObjectNode) snapshot.at("/spec/source")).remove(List.of("timestampColumn", "createdTimestampColumn"));
        assertThat(crd.validate(snapshot, null))
                .containsExactly(".spec.push: a view that takes pushes needs "
                        + "source.timestampColumn: every pushed row says when it happened");
        ((ObjectNode) snapshot.at("/spec/push")).put("enabled", false);
        assertThat(crd.validate(snapshot, null))
                .as("a snapshot view with pushes turned off")
                .isEmpty();

        ObjectNode tooMany = pushing.deepCopy();
        ((ObjectNode) tooMany.at("/spec/push")).put("maxBatchRows", 1_000_000);
        assertThat(crd.validate(tooMany, null)).singleElement().asString().contains("maxBatchRows");

        ObjectNode badSource = pushing.deepCopy();
        ((ObjectNode) badSource.at("/spec/push")).put("sourceName", "drivers push");
        assertThat(crd.validate(badSource, null)).singleElement().asString().contains("sourceName");
    }

    @Test
    void brokenViewsAreRejectedWithAReason() throws IOException {
        JsonNode view = exampleResources().stream()
                .filter(r -> r.at("/metadata/name").asText().equals("driver-stats"))
                .findFirst()
                .orElseThrow();
        CrdSchema crd = schemas.get("FeatureView");

        ObjectNode duplicate = view.deepCopy();
        ((ArrayNode) duplicate.at("/spec/features"))
                .add(view.at("/spec/features/0").deepCopy());
        assertThat(crd.validate(duplicate, null))
                .containsExactly(".spec.features: feature names must be unique within a view");

        ObjectNode shadowing = view.deepCopy();
        ((ObjectNode) shadowing.at("/spec/features/0")).put("name", "driver_id");
        assertThat(crd.validate(shadowing, null))
                .containsExactly(".spec.features: a feature cannot have the name of a join key");

        ObjectNode floatKey = view.deepCopy();
        ((ObjectNode) floatKey.at("/spec/entities/0")).put("type", "float64");
        assertThat(crd.validate(floatKey, null))
                .containsExactly(
                        ".spec.entities[0].type: a join key must be string, int32, int64, bool, date, timestamp or bytes");

        ObjectNode noEventTime = view.deepCopy();
        ((ObjectNode) noEventTime.at("/spec/source")).remove("timestampColumn");
        assertThat(crd.validate(noEventTime, null))
                .containsExactly(".spec.source.createdTimestampColumn: createdTimestampColumn only breaks "
                        + "ties between event timestamps, so it needs timestampColumn");

        ObjectNode badName = view.deepCopy();
        ((ObjectNode) badName.at("/metadata")).put("name", "Driver.Stats");
        assertThat(crd.validate(badName, null))
                .singleElement()
                .asString()
                .startsWith("<root>: the name must be a DNS label");

        ObjectNode badTtl = view.deepCopy();
        ((ObjectNode) badTtl.at("/spec")).put("ttl", "2 days");
        assertThat(crd.validate(badTtl, null)).singleElement().asString().contains("ttl");

        ObjectNode unknownType = view.deepCopy();
        ((ObjectNode) unknownType.at("/spec/features/0")).put("type", "decimal");
        assertThat(crd.validate(unknownType, null)).singleElement().asString().contains("type");

        ObjectNode hudi = view.deepCopy();
        ((ObjectNode) hudi.at("/spec/source")).put("format", "hudi");
        assertThat(crd.validate(hudi, null)).isEmpty();

        ObjectNode shadowingOnDemand = view.deepCopy();
        ((ObjectNode) shadowingOnDemand.at("/spec"))
                .putArray("onDemand")
                .addObject()
                .put("name", "conv_rate")
                .put("type", "float64")
                .put("expression", "conv_rate * 2.0");
        assertThat(crd.validate(shadowingOnDemand, null))
                .containsExactly(
                        ".spec.onDemand: an on-demand feature cannot have the name of a feature or a join key");

        ObjectNode noStore = view.deepCopy();
        ((ObjectNode) noStore.at("/spec")).remove("store");
        assertThat(crd.validate(noStore, null)).singleElement().asString().contains("store");
    }

    @Test
    void joinKeysCannotChangeOnUpdate() throws IOException {
        JsonNode view = exampleResources().stream()
                .filter(r -> r.at("/metadata/name").asText().equals("driver-stats"))
                .findFirst()
                .orElseThrow();
        CrdSchema crd = schemas.get("FeatureView");
        ObjectNode rekeyed = view.deepCopy();
        ((ObjectNode) rekeyed.at("/spec/entities/0")).put("type", "string");
        assertThat(crd.validate(rekeyed, null)).as("a new view may use any key").isEmpty();
        assertThat(crd.validate(rekeyed, view))
                .containsExactly(".spec.entities: entities (join keys) cannot change: clients "
                        + "and trained models key on them; create a new FeatureView");

        ObjectNode moreFeatures = view.deepCopy();
        ((ArrayNode) moreFeatures.at("/spec/features"))
                .addObject()
                .put("name", "extra")
                .put("type", "float64");
        assertThat(crd.validate(moreFeatures, view)).as("features may change").isEmpty();
    }

    @Test
    void brokenStoresAreRejectedWithAReason() throws IOException {
        JsonNode store = exampleResources().stream()
                .filter(r -> r.path("kind").asText().equals("FeatureStore")
                        && r.at("/spec/lakehouse/persistentVolumeClaim").isTextual())
                .findFirst()
                .orElseThrow();
        CrdSchema crd = schemas.get("FeatureStore");

        ObjectNode relativeRoot = store.deepCopy();
        ((ObjectNode) relativeRoot.at("/spec/lakehouse")).put("root", "lakehouse");
        assertThat(crd.validate(relativeRoot, null))
                .containsExactly(".spec.lakehouse.root: with a persistentVolumeClaim, "
                        + "root must be the absolute path where the claim is mounted");

        ObjectNode bearerWithoutSecret = store.deepCopy();
        ((ObjectNode) bearerWithoutSecret.at("/spec/dataPlane"))
                .putObject("auth")
                .put("type", "bearer");
        assertThat(crd.validate(bearerWithoutSecret, null))
                .containsExactly(".spec.dataPlane.auth.tokenSecretName: bearer "
                        + "authentication needs tokenSecretName: the Secret holding the accepted tokens");

        ObjectNode kubernetesWithoutAccount = store.deepCopy();
        ((ObjectNode) kubernetesWithoutAccount.at("/spec/dataPlane"))
                .putObject("auth")
                .put("type", "kubernetes");
        assertThat(crd.validate(kubernetesWithoutAccount, null))
                .hasSize(1)
                .allMatch(m -> m.contains("needs serviceAccountName"));

        ObjectNode noAuth = store.deepCopy();
        ((ObjectNode) noAuth.at("/spec/dataPlane")).remove("auth");
        assertThat(crd.validate(noAuth, null))
                .as("an open endpoint must be chosen explicitly")
                .containsExactly(".spec.dataPlane.auth: " + DataPlaneSpec.AuthSpec.REQUIRED);

        ObjectNode bearer = store.deepCopy();
        ((ObjectNode) bearer.at("/spec/dataPlane"))
                .putObject("auth")
                .put("type", "bearer")
                .put("tokenSecretName", "tokens");
        assertThat(crd.validate(bearer, null)).isEmpty();

        ObjectNode explicitNone = store.deepCopy();
        ((ObjectNode) explicitNone.at("/spec/dataPlane")).putObject("auth").put("type", "none");
        assertThat(crd.validate(explicitNone, null)).isEmpty();

        ObjectNode hudi = store.deepCopy();
        ((ObjectNode) hudi.at("/spec/lakehouse")).put("format", "hudi");
        assertThat(crd.validate(hudi, null)).isEmpty();

        ObjectNode negative = store.deepCopy();
        ((ObjectNode) negative.at("/spec/dataPlane")).put("replicas", -1);
        assertThat(crd.validate(negative, null)).singleElement().asString().contains("replicas");

        ObjectNode unknownFormat = store.deepCopy();
        ((ObjectNode) unknownFormat.at("/spec/lakehouse")).put("format", "csv");
        assertThat(crd.validate(unknownFormat, null)).singleElement().asString().contains("format");
    }

    @Test
    void theGitOpsExampleAppliesTheStoreBeforeItsViewsAndSyncsOnlyFeatureDuckKinds() throws IOException {
        Path gitops = Path.of("..", "examples", "gitops");
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(gitops)) {
            for (Path file :
                    walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> read =
                        CrdSchema.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    documents.addAll(read.readAll());
                }
            }
        }
        java.util.function.Function<String, List<Integer>> waves = kind -> documents.stream()
                .filter(d -> d.path("kind").asText().equals(kind))
                .map(d -> Integer.parseInt(d.at("/metadata/annotations")
                        .path("argocd.argoproj.io/sync-wave")
                        .asText()))
                .toList();
        assertThat(waves.apply("FeatureStore")).isNotEmpty();
        assertThat(waves.apply("FeatureView"))
                .isNotEmpty()
                .allSatisfy(
                        view -> assertThat(view).isGreaterThan(java.util.Collections.max(waves.apply("FeatureStore"))));
        JsonNode application = documents.stream()
                .filter(d -> d.path("kind").asText().equals("Application"))
                .findFirst()
                .orElseThrow();
        assertThat(Path.of("..").resolve(application.at("/spec/source/path").asText()))
                .isDirectory();
        assertThat(application.at("/spec/ignoreDifferences").isMissingNode())
                .as("the operator owns no synced field")
                .isTrue();
        JsonNode project = documents.stream()
                .filter(d -> d.path("kind").asText().equals("AppProject"))
                .findFirst()
                .orElseThrow();
        List<String> kinds = new ArrayList<>();
        project.at("/spec/namespaceResourceWhitelist").forEach(k -> {
            assertThat(k.path("group").asText()).isEqualTo(ApiVersions.GROUP);
            kinds.add(k.path("kind").asText());
        });
        assertThat(kinds).containsExactlyInAnyOrder("FeatureStore", "FeatureView", "FeatureService");
        assertThat(application.at("/spec/project").asText())
                .isEqualTo(project.at("/metadata/name").asText());
    }
}
