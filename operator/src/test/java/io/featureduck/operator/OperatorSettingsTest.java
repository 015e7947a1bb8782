package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featureduck.operator.config.OperatorSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
    @Test
    void defaultsSuitARealApiServer() {
        OperatorSettings settings = OperatorSettings.from(Map.of());
        assertThat(settings.serverSideApply()).isTrue();
        assertThat(settings.namespaces()).isEmpty();
        assertThat(settings.leaderElection()).isFalse();
        assertThat(settings.statusInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.dataPlaneImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
        assertThat(settings.addressesPods()).isTrue();
        assertThat(settings.podUrl("10.1.2.3", 8000)).isEqualTo("http://10.1.2.3:8000");
        assertThat(settings.podUrl("fd00::7", 8000)).isEqualTo("http://[fd00::7]:8000");
    }

    @Test
    void readsEveryVariable() {
        OperatorSettings settings = OperatorSettings.from(Map.of(
                "FEATUREDUCK_SERVER_SIDE_APPLY", "false",
                "FEATUREDUCK_NAMESPACES", " features, , staging ",
                "FEATUREDUCK_DATAPLANE_IMAGE", "registry.local/featureduck:dev",
                "FEATUREDUCK_DATAPLANE_URL", "http://localhost:{port}",
                "FEATUREDUCK_STATUS_INTERVAL", "5s",
                "FEATUREDUCK_LEADER_ELECTION", "TRUE",
                "FEATUREDUCK_LEASE_NAMESPACE", "featureduck-system"));
        assertThat(settings.serverSideApply()).isFalse();
        assertThat(settings.namespaces()).containsExactlyInAnyOrder("features", "staging");
        assertThat(settings.dataPlaneImage()).isEqualTo("registry.local/featureduck:dev");
        assertThat(settings.addressesPods()).isFalse();
        assertThat(settings.dataPlaneUrl("s", "n", 8000)).isEqualTo("http://localhost:8000");
        assertThat(settings.statusInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.leaderElection()).isTrue();
        assertThat(settings.leaseNamespace()).isEqualTo("featureduck-system");
    }

    @Test
    void aMalformedValueNamesItsVariable() {
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("FEATUREDUCK_SERVER_SIDE_APPLY", "yes")))
                .hasMessage("FEATUREDUCK_SERVER_SIDE_APPLY='yes': expected true or false");
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("FEATUREDUCK_STATUS_INTERVAL", "soon")))
                .hasMessageStartingWith("FEATUREDUCK_STATUS_INTERVAL='soon': ");
    }
}
