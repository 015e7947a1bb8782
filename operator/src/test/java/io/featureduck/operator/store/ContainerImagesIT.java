package io.featureduck.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.operator.config.OperatorSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two images {@code images/build.sh} writes (built by this module's pre-integration-test phase, as the script
 * does): their names agree with everything that names them, their configuration (entrypoint, user, ports) and files
 * are what the pods expect, and, where an OCI runtime can run containers here, the data-plane image serves the demo
 * lakehouse with the operator's own arguments, volumes and security settings.
 */
class ContainerImagesIT {
    private static final Path IMAGES = Path.of("../target/images");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path work;

    @org.junit.jupiter.api.BeforeEach
    void imagesWereBuilt() {
        Assumptions.assumeFalse(
                Boolean.getBoolean("images.skip"),
                "built with -Dimages.skip=true (or on a machine "
                        + "without apt-get, which the images' base needs): no images");
        // The data-plane image is built by the dataplane module: a build of this module alone (mvn -pl operator -am)
        // does not make it, and has nothing to check it against.
        Assumptions.assumeTrue(
                Files.isRegularFile(IMAGES.resolve("featureduck.tar")),
                "no data-plane image archive "
                        + "at target/images/featureduck.tar: this build did not include the dataplane module's images "
                        + "(run the whole reactor, or images/build.sh)");
    }

    @Test
    void bothImagesCarryTheNamesEntrypointsUsersPortsAndFilesThePodsExpect() throws Exception {
        JsonNode values =
                YAML.readTree(Path.of("../helm/featureduck/values.yaml").toFile());
        JsonNode chart = YAML.readTree(Path.of("../helm/featureduck/Chart.yaml").toFile());

        Image dataPlane = Image.read(IMAGES.resolve("featureduck.tar"), work.resolve("dataplane"));
        assertThat(dataPlane.tag())
                .isEqualTo(OperatorSettings.DEFAULT_IMAGE)
                .isEqualTo(values.at("/operator/dataPlaneImage").asText())
                .isEqualTo(YAML.readTree(section(Path.of("../examples/kubernetes/lakehouse.yaml"), "kind: Job"))
                        .at("/spec/template/spec/containers/0/image")
                        .asText());
        assertThat(dataPlane.config().at("/config/User").asText()).isEqualTo("10001:10001");
        assertThat(strings(dataPlane.config().at("/config/Entrypoint")))
                .startsWith("java")
                .contains("--add-opens=java.base/java.nio=ALL-UNNAMED", "io.featureduck.dataplane.cli.FeatureDuckCli")
                .noneMatch(flag -> flag.startsWith("-Xmx") || flag.startsWith("-XX:MaxRAMPercentage"));
        assertThat(strings(dataPlane.config().at("/config/Cmd")))
                .containsExactly("serve", "-f", "/etc/featureduck/feature-store.yaml");
        assertThat(fieldNames(dataPlane.config().at("/config/ExposedPorts")))
                .containsExactlyInAnyOrder("8000/tcp", "6566/tcp", "8815/tcp", "8081/tcp");
        assertThat(fieldNames(dataPlane.config().at("/config/Volumes"))).containsExactly("/tmp");
        assertThat(dataPlane.files())
                .contains(
                        "opt/java/bin/java",
                        "lib64/ld-linux-x86-64.so.2",
                        "usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                        "etc/passwd",
                        "app/jib-classpath-file",
                        "app/classes/io/featureduck/dataplane/cli/FeatureDuckCli.class")
                .as("no shell, no package manager")
                .doesNotContain("bin/sh", "usr/bin/apt-get", "usr/bin/dpkg")
                .anyMatch(f -> f.startsWith("app/libs/duckdb_jdbc-"));

        Image operator = Image.read(IMAGES.resolve("featureduck-operator.tar"), work.resolve("operator"));
        assertThat(operator.tag())
                .isEqualTo(values.at("/image/repository").asText() + ":"
                        + chart.at("/appVersion").asText());
        assertThat(operator.tag().substring(operator.tag().lastIndexOf(':')))
                .isEqualTo(dataPlane.tag().substring(dataPlane.tag().lastIndexOf(':')));
        assertThat(operator.config().at("/config/User").asText()).isEqualTo("10001:10001");
        assertThat(strings(operator.config().at("/config/Entrypoint")))
                .startsWith("java")
                .contains("-XX:MaxRAMPercentage=75", "io.featureduck.operator.FeatureDuckOperator");
        assertThat(operator.files())
                .contains("app/classes/io/featureduck/operator/FeatureDuckOperator.class", "opt/java/bin/java")
                .doesNotContain("bin/sh");
        System.out.printf(
                "image sizes: %s %d MiB, %s %d MiB (compressed layers)%n",
                dataPlane.tag(),
                Files.size(IMAGES.resolve("featureduck.tar")) >> 20,
                operator.tag(),
                Files.size(IMAGES.resolve("featureduck-operator.tar")) >> 20);
    }

    @Test
    void theDataPlaneImageServesTheDemoLakehouseWithThePodsArgumentsVolumesAndSecuritySettings() throws Exception {
        for (String tool : List.of("runc", "skopeo", "umoci")) {
            Assumptions.assumeTrue(
                    onPath(tool),
                    "no '" + tool + "' on PATH: the container run needs runc, skopeo and "
                            + "umoci (apt-get install runc skopeo umoci)");
        }
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "runc runs containers as root here; run as root to include the container run");
        Path probe = bundle(IMAGES.resolve("featureduck.tar"), work.resolve("probe"));
        ObjectNode probeSpec = spec(probe);
        ((ObjectNode) probeSpec.get("process"))
                .set("args", JSON.valueToTree(List.of("/opt/java/bin/java", "-version")));
        write(probe, probeSpec);
        Result tried = exec(List.of("runc", "run", "--bundle", probe.toString(), "probe-" + UUID.randomUUID()), 120);
        Assumptions.assumeTrue(tried.code() == 0, "runc cannot run a container on this machine: " + tried.output());

        // The pod the operator would create for the example store, and the ConfigMap it would mount.
        FeatureStore store = YAML.readValue(
                section(Path.of("../examples/kubernetes/feature-store.yaml"), "kind: FeatureStore"),
                FeatureStore.class);
        store.getMetadata().setNamespace("features");
        List<FeatureView> views = new ArrayList<>();
        for (String document : Files.readString(Path.of("../examples/kubernetes/feature-views.yaml"))
                .split("\n---\n")) {
            if (document.contains("kind: FeatureView")) {
                views.add(YAML.readValue(document, FeatureView.class));
            }
        }
        PodSpec pod = new DataPlaneDeploymentDependent(OperatorSettings.from(Map.of()))
                .desired(store, views.stream().anyMatch(view -> view.getSpec().takesPushes()))
                .getSpec()
                .getTemplate()
                .getSpec();
        Container container = pod.getContainers().get(0);

        // The volumes as the kubelet provides them: the ConfigMap, the token Secret, the claim the example Job
        // fills (run here with the same jar), emptyDirs.
        Map<String, Path> volumes = new HashMap<>();
        Path config = Files.createDirectories(work.resolve("config"));
        Files.writeString(
                config.resolve("feature-store.yaml"), new ServingConfigRenderer().render(store, views, List.of()));
        volumes.put("serving-config", config);
        String token = UUID.randomUUID().toString();
        Path tokens = Files.createDirectories(work.resolve("tokens"));
        Files.writeString(tokens.resolve("tokens"), token + "\n");
        volumes.put("auth-tokens", tokens);
        Path demo = work.resolve("demo");
        Process job = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        Path.of("../dataplane/target/featureduck.jar").toString(),
                        "demo",
                        "--dir",
                        demo.toString(),
                        "--write-only")
                .inheritIO()
                .start();
        assertThat(job.waitFor(180, TimeUnit.SECONDS) && job.exitValue() == 0)
                .as("demo lakehouse written")
                .isTrue();
        volumes.put("lakehouse", demo.resolve("lakehouse"));
        for (String emptyDir : List.of("tmp", "file-cache")) {
            Path directory = Files.createDirectories(work.resolve(emptyDir));
            exec(List.of("chown", "10001:10001", directory.toString()), 10);
            volumes.put(emptyDir, directory);
        }
        exec(List.of("chmod", "-R", "a+rX", work.toString()), 10); // readable by the container's user 10001

        Path bundle = bundle(IMAGES.resolve("featureduck.tar"), work.resolve("dataplane"));
        ObjectNode spec = spec(bundle);
        ObjectNode process = (ObjectNode) spec.get("process");
        JsonNode image = Image.config(IMAGES.resolve("featureduck.tar"));
        List<String> args = new ArrayList<>(strings(image.at("/config/Entrypoint")));
        args.addAll(container.getArgs());
        process.set("args", JSON.valueToTree(args));
        List<String> env = new ArrayList<>(strings(image.at("/config/Env")));
        for (EnvVar variable : container.getEnv()) {
            env.add(variable.getName() + "=" + variable.getValue());
        }
        process.set("env", JSON.valueToTree(env));
        ObjectNode user = process.putObject("user");
        user.put("uid", pod.getSecurityContext().getRunAsUser())
                .put("gid", pod.getSecurityContext().getRunAsGroup());
        process.put("noNewPrivileges", !container.getSecurityContext().getAllowPrivilegeEscalation());
        ((ObjectNode) spec.get("root"))
                .put("readonly", container.getSecurityContext().getReadOnlyRootFilesystem());
        ArrayNode mounts = (ArrayNode) spec.get("mounts");
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path source = volumes.get(mount.getName());
            assertThat(source)
                    .as("a host directory for volume " + mount.getName())
                    .isNotNull();
            ObjectNode bind = mounts.addObject();
            bind.put("destination", mount.getMountPath()).put("type", "bind").put("source", source.toString());
            bind.set(
                    "options",
                    JSON.valueToTree(
                            Boolean.TRUE.equals(mount.getReadOnly())
                                    ? List.of("rbind", "ro")
                                    : List.of("rbind", "rw")));
        }
        write(bundle, spec);

        String id = "featureduck-" + UUID.randomUUID();
        Process running = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), id)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("container.log").toFile())
                .start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int ready = 0;
            while (System.nanoTime() < deadline && running.isAlive() && ready != 200) {
                ready = status(http, "http://127.0.0.1:8081/ready");
                Thread.sleep(250);
            }
            assertThat(ready)
                    .as("ready; container log:\n" + Files.readString(work.resolve("container.log")))
                    .isEqualTo(200);
            HttpResponse<String> features = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:8000/get-online-features"))
                            .header("authorization", "Bearer " + token)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"features\": [\"driver-stats:conv_rate\", \"driver-profile:vehicle_type\"], "
                                            + "\"entities\": {\"driver_id\": [1010]}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(features.statusCode()).as(features.body()).isEqualTo(200);
            assertThat(JSON.readTree(features.body())
                            .at("/results/1/statuses/0")
                            .asText())
                    .isEqualTo("PRESENT");
            assertThat(status(http, "http://127.0.0.1:8000/v1/views"))
                    .as("auth on every route")
                    .isEqualTo(401);
        } finally {
            exec(List.of("runc", "kill", id, "KILL"), 10);
            running.waitFor(30, TimeUnit.SECONDS);
            exec(List.of("runc", "delete", "--force", id), 10);
        }
    }

    /** An image archive as Jib writes it (the {@code docker save} layout): its tag, configuration and files. */
    private record Image(String tag, JsonNode config, List<String> files) {
        static Image read(Path archive, Path into) throws Exception {
            Files.createDirectories(into);
            assertThat(exec(List.of("tar", "-xf", archive.toString(), "-C", into.toString()), 120)
                            .code())
                    .isZero();
            JsonNode manifest =
                    JSON.readTree(into.resolve("manifest.json").toFile()).get(0);
            List<String> files = new ArrayList<>();
            for (JsonNode layer : manifest.get("Layers")) {
                Result listing =
                        exec(List.of("tar", "-tzf", into.resolve(layer.asText()).toString()), 120);
                for (String line : listing.output().split("\n")) {
                    files.add(line.startsWith("./") ? line.substring(2) : line);
                }
            }
            return new Image(
                    manifest.get("RepoTags").get(0).asText(),
                    JSON.readTree(into.resolve(manifest.get("Config").asText()).toFile()),
                    files);
        }

        /** Only the image's configuration, without unpacking its layers. */
        static JsonNode config(Path archive) throws Exception {
            JsonNode manifest = JSON.readTree(entry(archive, "manifest.json")).get(0);
            return JSON.readTree(entry(archive, manifest.get("Config").asText()));
        }

        private static String entry(Path archive, String name) throws Exception {
            Result read = exec(List.of("tar", "-xOf", archive.toString(), name), 60);
            assertThat(read.code()).as(read.output()).isZero();
            return read.output();
        }
    }

    /**
     * The image unpacked into an OCI runtime bundle. The generated spec loses what this machine's kernel does not
     * allow or the test does not need: resource limits (setrlimit is refused here), cgroup settings and mounts
     * (cgroups v1/v2 hybrid), and the network namespace (the test reaches the ports on loopback).
     */
    private static Path bundle(Path archive, Path directory) throws Exception {
        Path layout = directory.resolveSibling(directory.getFileName() + "-oci");
        Result copied = exec(List.of("skopeo", "copy", "docker-archive:" + archive, "oci:" + layout + ":image"), 300);
        assertThat(copied.code()).as(copied.output()).isZero();
        Result unpacked = exec(List.of("umoci", "unpack", "--image", layout + ":image", directory.toString()), 300);
        assertThat(unpacked.code()).as(unpacked.output()).isZero();
        ObjectNode spec = spec(directory);
        ((ObjectNode) spec.get("process")).remove("rlimits");
        ((ObjectNode) spec.get("process")).put("terminal", false);
        ObjectNode linux = (ObjectNode) spec.get("linux");
        linux.remove("resources");
        linux.remove("cgroupsPath");
        ArrayNode namespaces = JSON.createArrayNode();
        linux.get("namespaces").forEach(n -> {
            if (!"network".equals(n.get("type").asText())) {
                namespaces.add(n);
            }
        });
        linux.set("namespaces", namespaces);
        ArrayNode mounts = JSON.createArrayNode();
        spec.get("mounts").forEach(m -> {
            if (!"cgroup".equals(m.path("type").asText())
                    && !m.path("destination").asText().equals("/tmp")) {
                mounts.add(m);
            }
        });
        spec.set("mounts", mounts);
        write(directory, spec);
        return directory;
    }

    private static ObjectNode spec(Path bundle) throws IOException {
        return (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
    }

    private static void write(Path bundle, ObjectNode spec) throws IOException {
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(bundle.resolve("config.json").toFile(), spec);
    }

    private static String section(Path file, String marker) throws IOException {
        for (String document : Files.readString(file).split("\n---\n")) {
            if (document.contains(marker)) {
                return document;
            }
        }
        throw new AssertionError(file + " has no document with " + marker);
    }

    private record Result(int code, String output) {}

    private static Result exec(List<String> command, int timeoutSeconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, command + " timed out");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }

    private static boolean onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
