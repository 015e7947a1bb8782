package io.featureduck.operator.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.featureduck.crds.AuthType;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data-plane Deployment of a store: pods running {@code featureduck serve -f} on the mounted serving
 * configuration, exactly as a developer runs it locally.
 *
 * <p>View changes reach the pods through the ConfigMap, which they reload in place; only a change of the store's own
 * spec (lakehouse, image, resources, limits) changes the pod template, through the {@value #SETTINGS_HASH}
 * annotation, and rolls the pods one at a time with no loss of serving capacity.
 */
public final class DataPlaneDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, FeatureStore> {
    public static final String SETTINGS_HASH = "featureduck.io/store-settings-hash";
    static final String CONTAINER = "dataplane";
    private static final long USER = 10001;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OperatorSettings settings;

    public DataPlaneDeploymentDependent(OperatorSettings settings) {
        super(Deployment.class);
        this.settings = settings;
    }

    @Override
    protected Deployment desired(FeatureStore store, Context<FeatureStore> context) {
        return desired(store, lakehouseWritable(store, context));
    }

    /**
     * @param lakehouseWritable whether a view of the store takes pushes, which commit to its table on the volume:
     *                          only then is the lakehouse claim mounted read-write
     */
    Deployment desired(FeatureStore store, boolean lakehouseWritable) {
        DataPlaneSpec dataPlane = store.getSpec().effectiveDataPlane();
        LakehouseSpec lakehouse = store.getSpec().lakehouse();
        String configFile = DataPlaneNames.CONFIG_MOUNT + "/" + DataPlaneNames.CONFIG_FILE;

        List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder()
                .withName("serving-config")
                .withNewConfigMap()
                .withName(DataPlaneNames.servingConfig(store))
                .endConfigMap()
                .build());
        mounts.add(new VolumeMountBuilder()
                .withName("serving-config")
                .withMountPath(DataPlaneNames.CONFIG_MOUNT)
                .withReadOnly(true)
                .build());
        // The root filesystem is read-only: DuckDB spills and the JVM writes its temporary files here.
        volumes.add(new VolumeBuilder()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .build());
        mounts.add(
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        // Object-store files DuckDB reads are copied here; the kubelet evicts a pod whose emptyDir outgrows its limit,
        // so the data plane keeps its cache a tenth below it.
        Quantity cacheSize = new Quantity(dataPlane.effectiveFileCacheSize());
        volumes.add(new VolumeBuilder()
                .withName("file-cache")
                .withNewEmptyDir()
                .withSizeLimit(cacheSize)
                .endEmptyDir()
                .build());
        mounts.add(new VolumeMountBuilder()
                .withName("file-cache")
                .withMountPath(DataPlaneNames.FILE_CACHE_MOUNT)
                .build());
        long cacheBytes = Quantity.getAmountInBytes(cacheSize).longValue() / 10 * 9;
        if (lakehouse.persistentVolumeClaim() != null) {
            volumes.add(new VolumeBuilder()
                    .withName("lakehouse")
                    .withNewPersistentVolumeClaim()
                    .withClaimName(lakehouse.persistentVolumeClaim())
                    .withReadOnly(!lakehouseWritable)
                    .endPersistentVolumeClaim()
                    .build());
            mounts.add(new VolumeMountBuilder()
                    .withName("lakehouse")
                    .withMountPath(lakehouse.root())
                    .withReadOnly(!lakehouseWritable)
                    .build());
        }

        DataPlaneSpec.AuthSpec auth = dataPlane.auth() == null ? DataPlaneSpec.AuthSpec.NONE : dataPlane.auth();
        List<String> args = new ArrayList<>(List.of(
                "serve",
                "-f",
                configFile,
                "--port",
                Integer.toString(DataPlaneNames.HTTP_PORT),
                "--management-port",
                Integer.toString(DataPlaneNames.MANAGEMENT_PORT),
                "--grpc-port",
                Integer.toString(dataPlane.effectiveGrpcPort()),
                "--offline-port",
                Integer.toString(dataPlane.effectiveOfflinePort()),
                "--file-cache-dir",
                DataPlaneNames.FILE_CACHE_MOUNT,
                "--file-cache-size",
                Long.toString(cacheBytes)));
        switch (auth.type()) {
            case BEARER -> {
                // The kubelet swaps the Secret's files when it changes; the data plane rereads them, so rotating a
                // token needs no restart.
                volumes.add(new VolumeBuilder()
                        .withName("auth-tokens")
                        .withNewSecret()
                        .withSecretName(auth.tokenSecretName())
                        .addNewItem()
                        .withKey(DataPlaneSpec.AuthSpec.TOKENS_KEY)
                        .withPath(DataPlaneSpec.AuthSpec.TOKENS_KEY)
                        .endItem()
                        .withDefaultMode(0440)
                        .endSecret()
                        .build());
                mounts.add(new VolumeMountBuilder()
                        .withName("auth-tokens")
                        .withMountPath(DataPlaneNames.TOKENS_MOUNT)
                        .withReadOnly(true)
                        .build());
                args.addAll(List.of("--auth-token-file", DataPlaneNames.TOKENS_FILE));
                if (auth.writeTokenSecretName() != null) {
                    volumes.add(new VolumeBuilder()
                            .withName("auth-write-tokens")
                            .withNewSecret()
                            .withSecretName(auth.writeTokenSecretName())
                            .addNewItem()
                            .withKey(DataPlaneSpec.AuthSpec.TOKENS_KEY)
                            .withPath(DataPlaneSpec.AuthSpec.TOKENS_KEY)
                            .endItem()
                            .withDefaultMode(0440)
                            .endSecret()
                            .build());
                    mounts.add(new VolumeMountBuilder()
                            .withName("auth-write-tokens")
                            .withMountPath(DataPlaneNames.WRITE_TOKENS_MOUNT)
                            .withReadOnly(true)
                            .build());
                    args.addAll(List.of("--auth-write-token-file", DataPlaneNames.WRITE_TOKENS_FILE));
                }
            }
            case KUBERNETES ->
                args.addAll(List.of("--auth-namespace", store.getMetadata().getNamespace()));
            case NONE -> {}
        }

        if (dataPlane.tls() != null) {
            volumes.add(new VolumeBuilder()
                    .withName("tls")
                    .withNewSecret()
                    .withSecretName(dataPlane.tls().secretName())
                    .addNewItem()
                    .withKey("tls.crt")
                    .withPath("tls.crt")
                    .endItem()
                    .addNewItem()
                    .withKey("tls.key")
                    .withPath("tls.key")
                    .endItem()
                    .withDefaultMode(0440)
                    .endSecret()
                    .build());
            mounts.add(new VolumeMountBuilder()
                    .withName("tls")
                    .withMountPath(DataPlaneNames.TLS_MOUNT)
                    .withReadOnly(true)
                    .build());
            args.addAll(List.of(
                    "--tls-cert",
                    DataPlaneNames.TLS_MOUNT + "/tls.crt",
                    "--tls-key",
                    DataPlaneNames.TLS_MOUNT + "/tls.key"));
        }

        Map<String, String> podAnnotations = new LinkedHashMap<>();
        podAnnotations.put(SETTINGS_HASH, settingsHash(store));

        return new DeploymentBuilder()
                .withMetadata(DataPlaneNames.metadata(store, DataPlaneNames.dataPlane(store)))
                .withNewSpec()
                .withReplicas(dataPlane.effectiveReplicas())
                .withNewSelector()
                .withMatchLabels(DataPlaneNames.selector(store))
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(new IntOrString(1))
                .withMaxUnavailable(new IntOrString(0))
                .endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(DataPlaneNames.labels(store))
                .withAnnotations(podAnnotations)
                .endMetadata()
                .withNewSpec()
                // Only Kubernetes authentication calls the API server; no other pod needs a token mounted.
                .withServiceAccountName(auth.type() == AuthType.KUBERNETES ? auth.serviceAccountName() : null)
                .withAutomountServiceAccountToken(auth.type() == AuthType.KUBERNETES)
                // On SIGTERM the data plane answers for its drain period while it leaves the Service, then lets
                // requests in flight finish: the kubelet must wait for both before it kills the process.
                .withTerminationGracePeriodSeconds(
                        dataPlane.effectiveDrainPeriod().toSeconds() + DataPlaneSpec.SHUTDOWN_GRACE.toSeconds() + 5)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(USER)
                .withRunAsGroup(USER)
                .withFsGroup(USER)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(dataPlane.image() != null ? dataPlane.image() : settings.dataPlaneImage())
                        .withArgs(args)
                        // G1 named explicitly: below 2 CPUs or 1792 MiB the JVM would pick the serial collector, which
                        // the online benchmark (bench/README.md) did not measure as better for this heap of arrays.
                        .addNewEnv()
                        .withName("JAVA_TOOL_OPTIONS")
                        .withValue("-XX:+UseG1GC -XX:MaxRAMPercentage=" + DataPlaneSpec.HEAP_PERCENT
                                + " -XX:+ExitOnOutOfMemoryError")
                        .endEnv()
                        // The SDKs read their credentials from the environment: every key of the Secret becomes a
                        // variable, and only the kubelet ever sees the values.
                        .withEnvFrom(
                                lakehouse.credentialsSecret() == null
                                        ? List.of()
                                        : List.of(new EnvFromSourceBuilder()
                                                .withNewSecretRef()
                                                .withName(lakehouse.credentialsSecret())
                                                .endSecretRef()
                                                .build()))
                        .addNewPort()
                        .withName("http")
                        .withContainerPort(DataPlaneNames.HTTP_PORT)
                        .withProtocol("TCP")
                        .endPort()
                        .addNewPort()
                        .withName("management")
                        .withContainerPort(DataPlaneNames.MANAGEMENT_PORT)
                        .withProtocol("TCP")
                        .endPort()
                        .addNewPort()
                        .withName("grpc")
                        .withContainerPort(dataPlane.effectiveGrpcPort())
                        .withProtocol("TCP")
                        .endPort()
                        .addNewPort()
                        .withName("flight")
                        .withContainerPort(dataPlane.effectiveOfflinePort())
                        .withProtocol("TCP")
                        .endPort()
                        // Loading a large view takes a while: the startup probe gives it time before liveness counts.
                        .withNewStartupProbe()
                        .withNewHttpGet()
                        .withPath("/health")
                        .withPort(new IntOrString("management"))
                        .endHttpGet()
                        .withPeriodSeconds(2)
                        .withFailureThreshold(60)
                        .endStartupProbe()
                        .withNewLivenessProbe()
                        .withNewHttpGet()
                        .withPath("/health")
                        .withPort(new IntOrString("management"))
                        .endHttpGet()
                        .withPeriodSeconds(10)
                        .withFailureThreshold(3)
                        .endLivenessProbe()
                        // Polled often, as a draining pod reports not-ready and must leave the Service within its
                        // drain period.
                        .withNewReadinessProbe()
                        .withNewHttpGet()
                        .withPath("/ready")
                        .withPort(new IntOrString("management"))
                        .endHttpGet()
                        .withPeriodSeconds(2)
                        .withFailureThreshold(1)
                        .endReadinessProbe()
                        .withResources(resources(dataPlane.resources()))
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .endSecurityContext()
                        .withVolumeMounts(mounts)
                        .build())
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * The Deployment of shard {@code index} of a layout of {@code count}: the store's pod, told its shard and where every
     * shard of its layout answers (its own headless Service too, so a push reaches its sibling replicas), its pods kept
     * on different nodes so that one node lost never takes a whole shard.
     */
    Deployment shardDesired(FeatureStore store, boolean lakehouseWritable, int index, int count) {
        Deployment deployment = desired(store, lakehouseWritable);
        int grpcPort = store.getSpec().effectiveDataPlane().effectiveGrpcPort();
        List<String> args = new ArrayList<>(deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs());
        args.addAll(List.of("--shard", index + "/" + count));
        for (int peer = 0; peer < count; peer++) {
            args.addAll(List.of("--peer", peer + "=" + DataPlaneNames.shard(store, peer, count) + ":" + grpcPort));
        }
        return new DeploymentBuilder(deployment)
                .withMetadata(DataPlaneNames.shardMetadata(store, index, count))
                .editSpec()
                .withNewSelector()
                .withMatchLabels(DataPlaneNames.shardSelector(store, index, count))
                .endSelector()
                .editTemplate()
                .editMetadata()
                .withLabels(DataPlaneNames.shardLabels(store, index, count))
                .endMetadata()
                .editSpec()
                .withNewAffinity()
                .withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNewLabelSelector()
                .withMatchLabels(DataPlaneNames.shardSelector(store, index, count))
                .endLabelSelector()
                .withTopologyKey("kubernetes.io/hostname")
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .endAffinity()
                .editFirstContainer()
                .withArgs(args)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Whether a view of the store takes pushes to a table on the lakehouse volume, which must then be writable. */
    static boolean lakehouseWritable(FeatureStore store, Context<FeatureStore> context) {
        return store.getSpec().lakehouse().persistentVolumeClaim() != null
                && CurrentAdmission.of(store, context).views().stream()
                        .anyMatch(view -> view.view().getSpec().takesPushes());
    }

    private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(DataPlaneSpec.ResourcesSpec spec) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
        if (spec == null) {
            return builder.build();
        }
        if (spec.cpuRequest() != null) {
            builder.addToRequests("cpu", new Quantity(spec.cpuRequest()));
        }
        if (spec.memoryRequest() != null) {
            builder.addToRequests("memory", new Quantity(spec.memoryRequest()));
        }
        if (spec.cpuLimit() != null) {
            builder.addToLimits("cpu", new Quantity(spec.cpuLimit()));
        }
        if (spec.memoryLimit() != null) {
            builder.addToLimits("memory", new Quantity(spec.memoryLimit()));
        }
        return builder.build();
    }

    /**
     * A digest of the store's own spec but its shard count: it changes, and the pods roll, only when the pods must
     * restart.
     */
    static String settingsHash(FeatureStore store) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode tree = JSON.valueToTree(store.getSpec());
            // The shard count is not a pod's setting: a layout's pods carry theirs in their arguments, and a reshard
            // must leave the serving layout's pods running while the new one comes up.
            if (tree.get("dataPlane") instanceof com.fasterxml.jackson.databind.node.ObjectNode dataPlane) {
                dataPlane.remove("shards");
            }
            byte[] spec = JSON.writeValueAsBytes(tree);
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(spec))
                    .substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                    "cannot hash the spec of FeatureStore "
                            + store.getMetadata().getName(),
                    e);
        }
    }
}
