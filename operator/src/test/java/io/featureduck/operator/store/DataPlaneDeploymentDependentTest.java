package io.featureduck.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataPlaneDeploymentDependentTest {
    private final DataPlaneDeploymentDependent dependent =
            new DataPlaneDeploymentDependent(OperatorSettings.from(Map.of()));

    private static FeatureStore s3Store(String credentialsSecret, String cacheSize) {
        return s3Store(credentialsSecret, cacheSize, DataPlaneSpec.AuthSpec.NONE, null);
    }

    private static FeatureStore s3Store(
            String credentialsSecret, String cacheSize, DataPlaneSpec.AuthSpec auth, String drain) {
        FeatureStore store = FeatureStore.of(
                "lake",
                new FeatureStoreSpec(
                        new LakehouseSpec(
                                TableFormat.ICEBERG,
                                "s3://bucket/warehouse",
                                null,
                                credentialsSecret,
                                new ObjectStoreSpec(
                                        new ObjectStoreSpec.S3("http://minio.minio:9000", "eu-west-1", true),
                                        null,
                                        null)),
                        new DataPlaneSpec(
                                null, null, null, null, null, null, auth, cacheSize, null, null, null, drain, null,
                                null)));
        store.getMetadata().setNamespace("features");
        return store;
    }

    @Test
    void theCredentialsSecretBecomesTheContainersEnvironmentAndNothingElse() {
        Deployment deployment = dependent.desired(s3Store("lake-credentials", null), false);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(container.getEnvFrom())
                .singleElement()
                .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("lake-credentials"));
        // No lakehouse volume for an object-store root: the files come through the cache.
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("lakehouse"));
    }

    @Test
    void theFileCacheVolumeIsSizedByTheStoreAndTheDataPlaneStaysATenthBelowIt() {
        Deployment deployment = dependent.desired(s3Store(null, "20Gi"), false);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("file-cache");
            assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("20Gi");
        });
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("file-cache");
            assertThat(m.getMountPath()).isEqualTo("/var/cache/featureduck");
        });
        assertThat(String.join(" ", container.getArgs()))
                .contains("--file-cache-dir /var/cache/featureduck --file-cache-size " + (20L << 30) / 10 * 9);
        assertThat(container.getEnvFrom()).isEmpty();
    }

    @Test
    void theLakehouseClaimIsWritableOnlyWhileAViewTakesPushes() {
        FeatureStore store = FeatureStore.of(
                "lake",
                new FeatureStoreSpec(
                        new LakehouseSpec(TableFormat.DELTA, "/var/lib/featureduck/lakehouse", "lakehouse"),
                        new DataPlaneSpec(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                DataPlaneSpec.AuthSpec.NONE,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null)));
        store.getMetadata().setNamespace("features");
        for (boolean writable : List.of(false, true)) {
            PodSpec pod =
                    dependent.desired(store, writable).getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes())
                    .filteredOn(v -> v.getName().equals("lakehouse"))
                    .singleElement()
                    .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getReadOnly())
                            .isEqualTo(!writable));
            assertThat(pod.getContainers().get(0).getVolumeMounts())
                    .filteredOn(m -> m.getName().equals("lakehouse"))
                    .singleElement()
                    .satisfies(m -> assertThat(m.getReadOnly()).isEqualTo(!writable));
            assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
                    .isTrue();
        }
    }

    @Test
    void aNewSecretNameRollsThePods() {
        assertThat(DataPlaneDeploymentDependent.settingsHash(s3Store("a", null)))
                .isNotEqualTo(DataPlaneDeploymentDependent.settingsHash(s3Store("b", null)));
    }

    @Test
    void bearerAuthMountsOnlyTheTokensKeyOfTheSecretAndPointsTheDataPlaneAtIt() {
        Deployment deployment =
                dependent.desired(s3Store(null, null, DataPlaneSpec.AuthSpec.bearer("lake-tokens"), null), false);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("lake-tokens");
                    assertThat(v.getSecret().getItems()).singleElement().satisfies(item -> {
                        assertThat(item.getKey()).isEqualTo("tokens");
                        assertThat(item.getPath()).isEqualTo("tokens");
                    });
                });
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(DataPlaneNames.TOKENS_MOUNT);
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(String.join(" ", container.getArgs())).contains("--auth-token-file " + DataPlaneNames.TOKENS_FILE);
        assertThat(pod.getAutomountServiceAccountToken())
                .as("no API token where none is needed")
                .isFalse();
        assertThat(pod.getServiceAccountName()).isNull();
    }

    @Test
    void kubernetesAuthRunsAsTheNamedServiceAccountWithItsTokenAndTheStoresNamespace() {
        PodSpec pod = dependent
                .desired(s3Store(null, null, DataPlaneSpec.AuthSpec.kubernetes("lake-reader"), null), false)
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("lake-reader");
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        assertThat(String.join(" ", pod.getContainers().get(0).getArgs()))
                .contains("--auth-namespace features")
                .doesNotContain("--auth-token-file");
    }

    @Test
    void probesUseTheManagementPortAndTheGracePeriodCoversDrainAndInFlightRequests() {
        PodSpec pod = dependent
                .desired(s3Store(null, null, DataPlaneSpec.AuthSpec.NONE, "20s"), false)
                .getSpec()
                .getTemplate()
                .getSpec();
        Container container = pod.getContainers().get(0);
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("management");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("management");
        assertThat(container.getStartupProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("management");
        assertThat(container.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("http:8000", "management:8081", "grpc:6566", "flight:8815");
        assertThat(String.join(" ", container.getArgs()))
                .contains("--management-port 8081")
                .contains("--grpc-port 6566")
                .contains("--offline-port 8815");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(20 + DataPlaneSpec.SHUTDOWN_GRACE.toSeconds() + 5);
    }

    @Test
    void tlsMountsTheCertificateSecretAndServesHttps() {
        FeatureStore store = FeatureStore.of(
                "lake",
                new FeatureStoreSpec(
                        new LakehouseSpec(TableFormat.DELTA, "/data"),
                        new DataPlaneSpec(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                DataPlaneSpec.AuthSpec.bearer("t"),
                                null,
                                null,
                                null,
                                null,
                                null,
                                new DataPlaneSpec.TlsSpec("lake-tls"),
                                null)));
        store.getMetadata().setNamespace("features");
        PodSpec pod = dependent.desired(store, false).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .filteredOn(v ->
                        v.getSecret() != null && v.getSecret().getSecretName().equals("lake-tls"))
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getItems())
                        .extracting(i -> i.getKey())
                        .containsExactly("tls.crt", "tls.key"));
        assertThat(String.join(" ", pod.getContainers().get(0).getArgs()))
                .contains("--tls-cert /etc/featureduck-tls/tls.crt --tls-key /etc/featureduck-tls/tls.key");
        assertThat(DataPlaneNames.serviceUrl(store)).startsWith("https://lake-dataplane.features.svc:");
        assertThat(new DataPlaneServiceDependent()
                        .desired(store, null)
                        .getSpec()
                        .getPorts()
                        .get(0)
                        .getAppProtocol())
                .isEqualTo("https");
    }
}
