package io.featureduck.operator.apiserver;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the kubelet does for the data-plane pods the controller manager creates, done by the test: for each pod of a
 * namespace that matches a label selector, its volumes are materialized in a directory (ConfigMap and Secret keys as
 * files, kept current as the kubelet keeps them; emptyDirs; claims mapped to local directories), its container's
 * arguments run as a data-plane process with the mount paths replaced by those directories, bound to a loopback
 * address of its own (127.0.0.x) so it keeps the container's real ports, and the container's readiness probe decides
 * when the Pod's status says Ready with that address. A deleted Pod's process is stopped.
 *
 * <p>It also stands in for cluster DNS where the data plane needs it: every headless Service of the namespace resolves
 * to the addresses of its ready pods, through a hosts file the pods' JVMs read on each lookup
 * ({@code jdk.net.hosts.file}), so the shards of a sharded store find each other by their Services' names.
 */
public final class StandInKubelet implements AutoCloseable {
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);

    private final KubernetesClient admin;
    private final Path jar;
    private final Path work;
    private final Map<String, Path> claims;
    private final String namespace;
    private final String selector;
    private final Map<String, Running> pods = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "stand-in-kubelet");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** One pod this stand-in runs. */
    private record Running(Pod pod, String address, Process process, Path root, Instant started) {}

    /**
     * @param claims local directories standing for PersistentVolumeClaims, by claim name
     * @param selector label selector of the pods to run, e.g. {@code app.kubernetes.io/name=featureduck-dataplane}
     */
    public StandInKubelet(
            KubernetesClient admin, Path jar, Path work, Map<String, Path> claims, String namespace, String selector) {
        this.admin = admin;
        this.jar = jar.toAbsolutePath();
        this.work = work;
        this.claims = Map.copyOf(claims);
        this.namespace = namespace;
        this.selector = selector;
        loop.scheduleWithFixedDelay(this::sync, 0, 300, TimeUnit.MILLISECONDS);
    }

    /** The loopback address of the running pod {@code name}, if it runs. */
    public String address(String name) {
        Running running = pods.get(name);
        return running == null ? null : running.address();
    }

    /** How many pods run. */
    public int running() {
        return pods.size();
    }

    private void sync() {
        try {
            List<Pod> current = admin.pods()
                    .inNamespace(namespace)
                    .withLabelSelector(selector)
                    .list()
                    .getItems();
            List<String> names = new ArrayList<>();
            for (Pod pod : current) {
                String name = pod.getMetadata().getName();
                names.add(name);
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    stop(name);
                    continue;
                }
                Running running = pods.get(name);
                if (running == null) {
                    pods.put(name, start(pod));
                } else {
                    refreshVolumes(running);
                    report(running, pod);
                }
            }
            for (String name : List.copyOf(pods.keySet())) {
                if (!names.contains(name)) {
                    stop(name);
                }
            }
            writeHosts(current);
        } catch (RuntimeException e) {
            System.err.println("[stand-in kubelet] " + e);
        }
    }

    /** The hosts file standing for cluster DNS: each headless Service's name, once per ready pod it selects. */
    private Path hosts() {
        return work.resolve("hosts");
    }

    private void writeHosts(List<Pod> current) {
        StringBuilder lines = new StringBuilder();
        for (var service : admin.services().inNamespace(namespace).list().getItems()) {
            if (!"None".equals(service.getSpec().getClusterIP())
                    || service.getSpec().getSelector() == null) {
                continue;
            }
            for (Pod pod : current) {
                Running running = pods.get(pod.getMetadata().getName());
                Map<String, String> labels = pod.getMetadata().getLabels();
                boolean ready = pod.getStatus() != null
                        && pod.getStatus().getConditions() != null
                        && pod.getStatus().getConditions().stream()
                                .anyMatch(c -> c.getType().equals("Ready")
                                        && c.getStatus().equals("True"));
                if (running != null
                        && ready
                        && labels != null
                        && labels.entrySet()
                                .containsAll(service.getSpec().getSelector().entrySet())) {
                    lines.append(running.address())
                            .append(' ')
                            .append(service.getMetadata().getName())
                            .append('\n');
                }
            }
        }
        try {
            Files.createDirectories(work);
            Path next = work.resolve("hosts.next");
            Files.writeString(next, lines.toString());
            Files.move(
                    next,
                    hosts(),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Running start(Pod pod) {
        String name = pod.getMetadata().getName();
        String address = "127.0.0." + NEXT_ADDRESS.getAndIncrement();
        Path root = work.resolve(name);
        Container container = pod.getSpec().getContainers().get(0);
        Map<String, Path> mounts = new java.util.LinkedHashMap<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow();
            mounts.put(mount.getMountPath(), materialize(volume, root.resolve(mount.getName())));
        }
        List<String> command = new ArrayList<>(List.of(
                java(),
                // Cluster DNS, stood in for by a hosts file read on every lookup (nothing cached).
                "-Djdk.net.hosts.file=" + hosts(),
                "-Dsun.net.inetaddr.ttl=0",
                "-Dsun.net.inetaddr.negative.ttl=0",
                "-jar",
                jar.toString()));
        for (String arg : container.getArgs()) {
            command.add(local(arg, mounts));
        }
        command.addAll(List.of("--host", address));
        try {
            Files.createDirectories(root);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(root.resolve("container.log").toFile());
            container.getEnv().stream()
                    .filter(e -> e.getValue() != null)
                    .forEach(e -> builder.environment().put(e.getName(), e.getValue()));
            Process process = builder.start();
            System.out.println("[stand-in kubelet] started pod " + name + " on " + address);
            return new Running(pod, address, process, root, Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mount path inside an argument, replaced by the directory standing for its volume. */
    private static String local(String arg, Map<String, Path> mounts) {
        for (Map.Entry<String, Path> mount : mounts.entrySet()) {
            String path = mount.getKey();
            if (arg.equals(path) || arg.startsWith(path + "/")) {
                return mount.getValue() + arg.substring(path.length());
            }
        }
        return arg;
    }

    private Path materialize(Volume volume, Path directory) {
        try {
            if (volume.getPersistentVolumeClaim() != null) {
                String claim = volume.getPersistentVolumeClaim().getClaimName();
                Path local = claims.get(claim);
                if (local == null) {
                    throw new IllegalStateException("no local directory stands for claim " + claim);
                }
                return local;
            }
            Files.createDirectories(directory);
            writeKeys(volume, directory);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a ConfigMap's or Secret's keys (or the items it selects) as files, replacing changed ones atomically. */
    private void writeKeys(Volume volume, Path directory) throws IOException {
        Map<String, byte[]> keys = new java.util.HashMap<>();
        List<io.fabric8.kubernetes.api.model.KeyToPath> items = List.of();
        if (volume.getConfigMap() != null) {
            ConfigMap map = admin.configMaps()
                    .inNamespace(namespace)
                    .withName(volume.getConfigMap().getName())
                    .get();
            if (map != null && map.getData() != null) {
                map.getData().forEach((k, v) -> keys.put(k, v.getBytes(StandardCharsets.UTF_8)));
            }
            items = volume.getConfigMap().getItems();
        } else if (volume.getSecret() != null) {
            Secret secret = admin.secrets()
                    .inNamespace(namespace)
                    .withName(volume.getSecret().getSecretName())
                    .get();
            if (secret != null && secret.getData() != null) {
                secret.getData()
                        .forEach((k, v) -> keys.put(k, Base64.getDecoder().decode(v)));
            }
            items = volume.getSecret().getItems();
        }
        Map<String, String> paths = new java.util.HashMap<>();
        if (items == null || items.isEmpty()) {
            keys.keySet().forEach(k -> paths.put(k, k));
        } else {
            items.forEach(i -> paths.put(i.getKey(), i.getPath()));
        }
        for (Map.Entry<String, String> path : paths.entrySet()) {
            byte[] content = keys.get(path.getKey());
            if (content == null) {
                continue;
            }
            Path file = directory.resolve(path.getValue());
            if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
                continue;
            }
            Path next = directory.resolve("." + path.getValue() + ".next");
            Files.write(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private void refreshVolumes(Running running) {
        for (Volume volume : running.pod().getSpec().getVolumes()) {
            if (volume.getConfigMap() != null || volume.getSecret() != null) {
                try {
                    writeKeys(volume, running.root().resolve(volume.getName()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * Runs the container's readiness probe and writes what it found into the Pod's status, as the kubelet does; {@code
     * current} is the Pod as this round listed it, so an unchanged status costs no request.
     */
    private void report(Running running, Pod current) {
        Container container = running.pod().getSpec().getContainers().get(0);
        boolean alive = running.process().isAlive();
        boolean ready = alive && probe(running.address(), container);
        String phase = alive ? "Running" : "Failed";
        String readiness = ready ? "True" : "False";
        if (reported(current.getStatus(), running.address(), phase, readiness)) {
            return;
        }
        String now = Instant.now().toString();
        current.setStatus(new PodStatusBuilder()
                .withPhase(phase)
                .withHostIP("127.0.0.1")
                .withPodIP(running.address())
                .withPodIPs(new PodIPBuilder().withIp(running.address()).build())
                .withStartTime(running.started().toString())
                .withConditions(List.of(
                        condition("PodScheduled", "True", now),
                        condition("Initialized", "True", now),
                        condition("ContainersReady", readiness, now),
                        condition("Ready", readiness, now)))
                .addNewContainerStatus()
                .withName(container.getName())
                .withImage(container.getImage())
                .withImageID(container.getImage())
                .withReady(ready)
                .withStarted(alive)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(running.started().toString())
                .endRunning()
                .endState()
                .endContainerStatus()
                .build());
        try {
            admin.pods().inNamespace(namespace).resource(current).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Whether the Pod's status already says this address, phase and readiness. */
    private static boolean reported(PodStatus status, String address, String phase, String readiness) {
        return status != null
                && address.equals(status.getPodIP())
                && phase.equals(status.getPhase())
                && status.getConditions() != null
                && status.getConditions().stream()
                        .anyMatch(c ->
                                c.getType().equals("Ready") && c.getStatus().equals(readiness));
    }

    private static PodCondition condition(String type, String status, String now) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withLastTransitionTime(now)
                .build();
    }

    private boolean probe(String address, Container container) {
        if (container.getReadinessProbe() == null
                || container.getReadinessProbe().getHttpGet() == null) {
            return true;
        }
        HTTPGetAction get = container.getReadinessProbe().getHttpGet();
        int port = get.getPort().getIntVal() != null
                ? get.getPort().getIntVal()
                : container.getPorts().stream()
                        .filter(p -> p.getName().equals(get.getPort().getStrVal()))
                        .findFirst()
                        .orElseThrow()
                        .getContainerPort();
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + get.getPath()))
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() >= 200 && response.statusCode() < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stop(String name) {
        Running running = pods.remove(name);
        if (running != null) {
            running.process().destroy();
            System.out.println("[stand-in kubelet] stopped pod " + name);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        pods.values().forEach(r -> r.process().destroy());
        for (Running running : pods.values()) {
            try {
                running.process().waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pods.clear();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
