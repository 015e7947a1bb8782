package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.operator.config.OperatorSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DataPlaneDeploymentDependentTest {
    private final DataPlaneDeploymentDependent dependent = new DataPlaneDeploymentDependent(OperatorSettings.from(Map.of()));

    private static FeatureStore s3Store(String credentialsSecret, String cacheSize) {
        FeatureStore store = FeatureStore.of("lake", new FeatureStoreSpec(new LakehouseSpec(TableFormat.ICEBERG,
                "s3://bucket/warehouse", null, credentialsSecret, new ObjectStoreSpec(
                new ObjectStoreSpec.S3("http://minio.minio:9000", "eu-west-1", true), null, null)),
                new DataPlaneSpec(null, null, null, null, null, null, null, cacheSize)));
        store.getMetadata().setNamespace("features");
        return store;
    }

    @Test
    void theCredentialsSecretBecomesTheContainersEnvironmentAndNothingElse() {
        Deployment deployment = dependent.desired(s3Store("lake-credentials", null), null);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(container.getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("lake-credentials"));
        // No lakehouse volume for an object-store root: the files come through the cache.
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("lakehouse"));
    }

    @Test
    void theFileCacheVolumeIsSizedByTheStoreAndTheDataPlaneStaysATenthBelowIt() {
        Deployment deployment = dependent.desired(s3Store(null, "20Gi"), null);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("file-cache");
            assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("20Gi");
        });
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("file-cache");
            assertThat(m.getMountPath()).isEqualTo("/var/cache/featureduck");
        });
        assertThat(String.join(" ", container.getArgs()))
                .endsWith("--file-cache-dir /var/cache/featureduck --file-cache-size " + (20L << 30) / 10 * 9);
        assertThat(container.getEnvFrom()).isEmpty();
    }

    @Test
    void aNewSecretNameRollsThePods() {
        assertThat(DataPlaneDeploymentDependent.settingsHash(s3Store("a", null)))
                .isNotEqualTo(DataPlaneDeploymentDependent.settingsHash(s3Store("b", null)));
    }
}
