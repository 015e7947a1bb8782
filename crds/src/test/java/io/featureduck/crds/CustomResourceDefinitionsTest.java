package io.featureduck.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs under {@code crds/generated/} are what the Java model generates (run the build with
 * {@code -Dcrds.update=true} to refresh them, and the Helm chart's copies, after changing the model), and they are
 * CRDs an API server accepts.
 */
class CustomResourceDefinitionsTest {
    static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
    static final Path CHECKED_IN = Path.of("generated");

    static List<Path> generated() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            return files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
        }
    }

    @Test
    void checkedInCrdsMatchTheJavaModel() throws IOException {
        List<Path> generated = generated();
        assertThat(generated)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "featureservices.featureduck.io-v1.yml",
                        "featurestores.featureduck.io-v1.yml",
                        "featureviews.featureduck.io-v1.yml",
                        "historicalretrievals.featureduck.io-v1.yml");
        for (Path file : generated) {
            Path checkedIn = CHECKED_IN.resolve(file.getFileName());
            if (Boolean.getBoolean("crds.update")) {
                Files.copy(file, checkedIn, StandardCopyOption.REPLACE_EXISTING);
                // The Helm chart installs the same files; HelmChartTest checks the copies.
                Files.copy(
                        file,
                        Path.of("..", "helm", "featureduck", "crds").resolve(file.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            assertThat(checkedIn)
                    .as(
                            "crds/generated/%s is out of date with the Java model; rebuild with "
                                    + "mvn -pl crds test -Dcrds.update=true and commit it",
                            file.getFileName())
                    .exists();
            assertThat(Files.readString(checkedIn))
                    .as(
                            "crds/generated/%s differs from what the Java model generates; "
                                    + "rebuild with mvn -pl crds test -Dcrds.update=true and commit it",
                            file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
    }

    @Test
    void schemasAreStructuralAndTheirRulesCompile() throws IOException {
        for (Path file : generated()) {
            CrdSchema crd = CrdSchema.load(file);
            assertThat(crd.structuralProblems()).as(file.toString()).isEmpty();
            assertThat(crd.crd.at("/spec/versions/0/subresources/status").isObject())
                    .isTrue();
            assertThat(crd.crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
            assertThat(crd.crd.at("/spec/group").asText()).isEqualTo(ApiVersions.GROUP);
        }
    }

    @Test
    void everyPrinterColumnNamesAFieldOfTheSchema() throws IOException {
        for (Path file : generated()) {
            CrdSchema crd = CrdSchema.load(file);
            for (JsonNode column : crd.crd.at("/spec/versions/0/additionalPrinterColumns")) {
                String path = column.path("jsonPath").asText().replaceAll("\\[.*]", "");
                if (path.startsWith(".metadata.")) {
                    continue;
                }
                JsonNode node = crd.schema;
                for (String part : path.substring(1).split("\\.")) {
                    node = node.path("type").asText().equals("array") ? node.path("items") : node;
                    node = node.path("properties").path(part);
                }
                assertThat(node.isMissingNode())
                        .as(crd.kind() + " printer column "
                                + column.path("name").asText() + " names "
                                + column.path("jsonPath").asText() + ", which the schema lacks")
                        .isFalse();
            }
        }
    }

    @Test
    void theCrdsCarryShortNamesForKubectl() throws IOException {
        assertThat(CrdSchema.load(GENERATED.resolve("featurestores.featureduck.io-v1.yml"))
                        .crd
                        .at("/spec/names/shortNames/0")
                        .asText())
                .isEqualTo("fs");
        assertThat(CrdSchema.load(GENERATED.resolve("featureviews.featureduck.io-v1.yml"))
                        .crd
                        .at("/spec/names/shortNames/0")
                        .asText())
                .isEqualTo("fv");
        assertThat(CrdSchema.load(GENERATED.resolve("featureservices.featureduck.io-v1.yml"))
                        .crd
                        .at("/spec/names/shortNames/0")
                        .asText())
                .isEqualTo("fsvc");
    }
}
