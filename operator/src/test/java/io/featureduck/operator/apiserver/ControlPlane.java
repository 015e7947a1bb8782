package io.featureduck.operator.apiserver;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Kubernetes control plane on loopback (etcd, kube-apiserver, kube-controller-manager), started by
 * {@code e2e/apiserver/start.sh}, with helm beside it. One per test JVM: {@link RealApiServer} owns its lifecycle.
 */
public final class ControlPlane implements AutoCloseable {
    static final Path SCRIPTS = Path.of("..", "e2e", "apiserver");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(25);

    private final Process process;
    private final Path state;
    private final String server;
    private final Path helm;
    private final Path argoCdCrds;
    private final Path sparkOperatorCrds;
    private final KubernetesClient admin;

    private ControlPlane(
            Process process, Path state, String server, Path helm, Path argoCdCrds, Path sparkOperatorCrds) {
        this.process = process;
        this.state = state;
        this.server = server;
        this.helm = helm;
        this.argoCdCrds = argoCdCrds;
        this.sparkOperatorCrds = sparkOperatorCrds;
        this.admin = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(read(adminKubeconfig())))
                .build();
    }

    /**
     * Builds (first run only) and starts the control plane. Returns empty when Go is missing on a machine that is not
     * required to have it, with the reason in {@code skipped}.
     */
    static ControlPlane start(Path state, List<String> skipped) throws IOException, InterruptedException {
        Files.createDirectories(state);
        Map<String, String> built = build(skipped);
        if (built == null) {
            return null;
        }
        int etcd = freePort();
        int etcdPeer = freePort();
        int api = freePort();
        Path log = state.resolve("start.log");
        Process process = new ProcessBuilder(
                        "bash",
                        SCRIPTS.resolve("start.sh").toString(),
                        state.toAbsolutePath().toString(),
                        Integer.toString(etcd),
                        Integer.toString(etcdPeer),
                        Integer.toString(api))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> follow(process, log, ready), "control-plane-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the control plane did not start; its output:\n" + tail(log));
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw new IllegalStateException(
                    "the control plane did not start in " + START_TIMEOUT + ":\n" + tail(log), e);
        }
        ControlPlane plane = new ControlPlane(
                process,
                state,
                "https://127.0.0.1:" + api,
                Path.of(built.get("HELM_BIN")),
                Path.of(built.get("ARGOCD_CRDS")),
                Path.of(built.get("SPARK_OPERATOR_CRDS")));
        // Pods cannot be created in a namespace before its "default" ServiceAccount exists.
        plane.namespace("default");
        return plane;
    }

    /** Argo CD's CRDs (Application, AppProject), from the Argo CD module e2e/apiserver/argocd pins. */
    public Path argoCdCrds() {
        return argoCdCrds;
    }

    /** The Kubeflow Spark operator's SparkApplication CRD, from the module e2e/apiserver/spark-operator pins. */
    public Path sparkOperatorCrds() {
        return sparkOperatorCrds;
    }

    /** Runs build.sh, which prints NAME_BIN=path lines; null (and the reason) when it says Go is missing. */
    private static Map<String, String> build(List<String> skipped) throws IOException, InterruptedException {
        Instant started = Instant.now();
        Process build = new ProcessBuilder("bash", SCRIPTS.resolve("build.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = build.waitFor();
        if (status == 3) {
            skipped.add("Go is not installed, so the real API server cannot be built (e2e/apiserver/build.sh)");
            return null;
        }
        if (status != 0) {
            throw new IllegalStateException("e2e/apiserver/build.sh failed with status " + status + "; see its output");
        }
        System.out.println("control-plane binaries ready in "
                + Duration.between(started, Instant.now()).toSeconds() + " s");
        Map<String, String> bins = new java.util.HashMap<>();
        out.lines().map(l -> l.split("=", 2)).filter(p -> p.length == 2).forEach(p -> bins.put(p[0], p[1]));
        return bins;
    }

    private static void follow(Process process, Path log, CompletableFuture<Boolean> ready) {
        try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[control plane] " + line);
                out.write(line);
                out.newLine();
                out.flush();
                if (line.startsWith("control plane ready")) {
                    ready.complete(true);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.complete(false);
    }

    /** A client with full rights, for the test itself (never for the operator). */
    public KubernetesClient admin() {
        return admin;
    }

    public String server() {
        return server;
    }

    public Path adminKubeconfig() {
        return state.resolve("admin.kubeconfig").toAbsolutePath();
    }

    public Path state() {
        return state;
    }

    /** Creates {@code namespace} unless it exists, and waits for its default ServiceAccount. */
    public void namespace(String namespace) {
        if (admin.namespaces().withName(namespace).get() == null) {
            admin.resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .endMetadata()
                            .build())
                    .create();
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> admin.serviceAccounts()
                                .inNamespace(namespace)
                                .withName("default")
                                .get()
                        != null);
    }

    /**
     * A kubeconfig that authenticates as ServiceAccount {@code namespace/name} with a token the API server issued
     * (TokenRequest), as a pod of that ServiceAccount would: what it may do is exactly what RBAC grants it.
     */
    public Path serviceAccountKubeconfig(String namespace, String name) {
        String token = serviceAccountToken(namespace, name);
        Path file =
                state.resolve("sa-" + namespace + "-" + name + ".kubeconfig").toAbsolutePath();
        String kubeconfig =
                """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: test
                    cluster: {server: "%s", certificate-authority: "%s"}
                users:
                  - name: %s
                    user: {token: "%s"}
                contexts:
                  - name: test
                    context: {cluster: test, user: %s, namespace: %s}
                current-context: test
                """.formatted(server, state.resolve("pki/ca.crt").toAbsolutePath(), name, token, name, namespace);
        try {
            Files.writeString(file, kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A token of ServiceAccount {@code namespace/name}, valid for an hour, issued by the API server (TokenRequest). */
    public String serviceAccountToken(String namespace, String name) {
        TokenRequest request = admin.serviceAccounts()
                .inNamespace(namespace)
                .withName(name)
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(3600L)
                        .endSpec()
                        .build());
        return request.getStatus().getToken();
    }

    /** Runs helm against this control plane; fails with helm's output unless it succeeds. */
    public String helm(String... args) {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .directory(Path.of("..").toFile());
            builder.environment().putAll(helmEnvironment());
            Process run = builder.start();
            run.getOutputStream().close();
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!run.waitFor(5, TimeUnit.MINUTES) || run.exitValue() != 0) {
                throw new AssertionError("helm " + String.join(" ", args) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The environment of a helm run: this control plane's admin kubeconfig and private helm directories. */
    private Map<String, String> helmEnvironment() {
        return Map.of(
                "KUBECONFIG", adminKubeconfig().toString(),
                "HELM_CACHE_HOME", state.resolve("helm/cache").toAbsolutePath().toString(),
                "HELM_CONFIG_HOME",
                        state.resolve("helm/config").toAbsolutePath().toString(),
                "HELM_DATA_HOME", state.resolve("helm/data").toAbsolutePath().toString());
    }

    @Override
    public void close() {
        admin.close();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
