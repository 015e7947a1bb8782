package io.featureduck.operator.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** Reading YAML documents and sending them to the control plane the way {@code kubectl apply} does. */
public final class Manifests {
    public static final Path ROOT = Path.of("..");
    public static final Path CRDS = ROOT.resolve("crds/generated");
    /** The field manager of everything the tests themselves apply. */
    public static final String TEST_MANAGER = "featureduck-tests";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {}

    /** Every non-empty YAML document of {@code text}. */
    public static List<JsonNode> documents(String text) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(text)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && d.isObject() && d.has("kind")) {
                    documents.add(d);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    public static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The YAML files under {@code directory}, sorted. */
    public static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document named {@code name} in the YAML file {@code file} (relative to the project root). */
    public static ObjectNode example(String file, String name) {
        return (ObjectNode) documents(ROOT.resolve(file)).stream()
                .filter(d -> d.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + " has no document named " + name));
    }

    public static GenericKubernetesResource resource(JsonNode document) {
        try {
            return JSON.treeToValue(document, GenericKubernetesResource.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs (server-side apply) the CRDs in {@code directory} and waits until each is Established. */
    public static void installCrds(KubernetesClient admin, Path directory) {
        for (Path file : yamlFiles(directory)) {
            CustomResourceDefinition crd =
                    admin.getKubernetesSerialization().unmarshal(read(file), CustomResourceDefinition.class);
            admin.resource(crd).fieldManager(TEST_MANAGER).forceConflicts().serverSideApply();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> established(admin.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(crd.getMetadata().getName())
                            .get()));
        }
    }

    static boolean established(CustomResourceDefinition crd) {
        // A CRD just created may have a status without conditions yet.
        return crd != null
                && crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Established")
                                && c.getStatus().equals("True"));
    }

    /**
     * Sends {@code document} as a server-side dry run of a server-side apply in {@code namespace} (unless it is
     * cluster-scoped): the API server validates, defaults and admits it without storing it. Returns the causes of a
     * refusal, empty when accepted.
     */
    public static List<String> dryRun(KubernetesClient client, JsonNode document, String namespace) {
        GenericKubernetesResource resource = resource(document);
        try {
            if (namespace != null && resource.getMetadata().getNamespace() == null && namespaced(client, resource)) {
                resource.getMetadata().setNamespace(namespace);
            }
            client.resource(resource)
                    .dryRun()
                    .fieldManager(TEST_MANAGER)
                    .forceConflicts()
                    .serverSideApply();
            return List.of();
        } catch (KubernetesClientException e) {
            return refusal(e);
        }
    }

    /** What the API server said when it refused a request: its message and each cause as "field: message". */
    public static List<String> refusal(KubernetesClientException e) {
        List<String> said = new ArrayList<>();
        if (e.getStatus() == null) {
            said.add(e.getMessage());
            return said;
        }
        said.add(e.getStatus().getMessage());
        if (e.getStatus().getDetails() != null) {
            for (StatusCause cause : e.getStatus().getDetails().getCauses()) {
                said.add(cause.getField() + ": " + cause.getMessage());
            }
        }
        return said;
    }

    /** Whether a kind is namespaced, by apiVersion and kind, as discovery said once (kinds do not change scope). */
    private static final java.util.Map<String, Boolean> NAMESPACED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether the API server serves {@code resource}'s kind per namespace (discovery says; unknown kinds are). */
    private static boolean namespaced(KubernetesClient client, GenericKubernetesResource resource) {
        return NAMESPACED.computeIfAbsent(resource.getApiVersion() + "/" + resource.getKind(), key -> {
            var served = client.getApiResources(resource.getApiVersion());
            return served == null
                    || served.getResources().stream()
                            .filter(r -> r.getKind().equals(resource.getKind()))
                            .findFirst()
                            .map(r -> Boolean.TRUE.equals(r.getNamespaced()))
                            .orElse(true);
        });
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
