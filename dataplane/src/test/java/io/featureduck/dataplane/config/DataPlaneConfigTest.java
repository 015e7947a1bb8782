package io.featureduck.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.TableFormat;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a store's auth choice and the command line become one process's settings. */
class DataPlaneConfigTest {
    private static ServingConfig store(DataPlaneSpec.AuthSpec auth) {
        return new ServingConfig(
                Path.of("/stores/s.yaml"),
                FeatureStore.of(
                        "s",
                        new FeatureStoreSpec(
                                new LakehouseSpec(TableFormat.DELTA, "/lake"),
                                new DataPlaneSpec(
                                        null, null, null, null, null, null, auth, null, null, null, null, null, null,
                                        null))),
                List.of());
    }

    @Test
    void aStoreThatAsksForAuthenticationCannotBeServedWithoutWhatItNeeds() {
        assertThatThrownBy(() -> DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.bearer("t")))
                        .build())
                .hasMessageContaining("--auth-token-file");
        assertThatThrownBy(() -> DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.kubernetes("sa")))
                        .build())
                .hasMessageContaining("--auth-namespace");
        assertThat(DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.bearer("t")))
                        .authTokenFile(Path.of("/t"))
                        .build()
                        .auth())
                .isEqualTo(new AuthSettings.BearerTokenFile(
                        Path.of("/t"), DataPlaneConfig.DEFAULT_CONFIG_RELOAD_INTERVAL));
        assertThat(DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.kubernetes("sa")))
                        .authNamespace("team-a")
                        .build()
                        .auth())
                .isEqualTo(new AuthSettings.KubernetesRbac("team-a", AuthSettings.DEFAULT_CACHE_TTL));
        // A token file turns authentication on even for a store that says none.
        assertThat(DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.NONE))
                        .authTokenFile(Path.of("/t"))
                        .build()
                        .auth())
                .isInstanceOf(AuthSettings.BearerTokenFile.class);
    }

    @Test
    void toolsThatServeNoApiReadABearerStoreWithoutItsTokens() {
        assertThat(DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.bearer("t")))
                        .withoutApi()
                        .build()
                        .auth())
                .isInstanceOf(AuthSettings.Open.class);
    }

    @Test
    void theManagementPortIsNeverTheApiPort() {
        assertThatThrownBy(() -> DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.NONE))
                        .address("0.0.0.0", 9000)
                        .managementPort(9000)
                        .build())
                .hasMessageContaining("management port");
        assertThat(DataPlaneConfig.of(store(DataPlaneSpec.AuthSpec.NONE))
                        .address("127.0.0.1", 0)
                        .build()
                        .managementPort())
                .isZero();
    }

    @Test
    void duckDbGetsAShareOfThePodsMemoryLimitUnlessTheStoreSetsItsOwn() throws Exception {
        DataPlaneSpec.ResourcesSpec pod = new DataPlaneSpec.ResourcesSpec(null, null, null, "12Gi");
        assertThat(DataPlaneConfig.of(store(pod, null)).build().duckDbMemoryLimit())
                .contains("1474MiB");
        assertThat(DataPlaneConfig.of(store(pod, "5GB")).build().duckDbMemoryLimit())
                .contains("5GB");
        assertThat(DataPlaneConfig.of(store(null, null)).build().duckDbMemoryLimit())
                .isEmpty();
        // The derived value is DuckDB's own notation.
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("SET memory_limit = '3072MiB'");
            try (ResultSet rs = statement.executeQuery("SELECT current_setting('memory_limit')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("3.0 GiB");
            }
        }
    }

    private static ServingConfig store(DataPlaneSpec.ResourcesSpec resources, String duckdbMemoryLimit) {
        return new ServingConfig(
                Path.of("/stores/s.yaml"),
                FeatureStore.of(
                        "s",
                        new FeatureStoreSpec(
                                new LakehouseSpec(TableFormat.DELTA, "/lake"),
                                new DataPlaneSpec(
                                        null,
                                        null,
                                        resources,
                                        null,
                                        null,
                                        duckdbMemoryLimit,
                                        DataPlaneSpec.AuthSpec.NONE,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null))),
                List.of());
    }
}
