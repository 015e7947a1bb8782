package io.featureduck.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KubeDurationTest {
    @Test
    void parsesKubernetesStyleDurationsAndDays() {
        assertThat(KubeDuration.parse("48h")).isEqualTo(Duration.ofHours(48));
        assertThat(KubeDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(KubeDuration.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(KubeDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void rejectsAnythingElseWithTheAcceptedForm() {
        assertThatThrownBy(() -> KubeDuration.parse("2 days")).hasMessageContaining("48h");
        assertThat(KubeDuration.isValid("")).isFalse();
        assertThat(KubeDuration.isValid("h")).isFalse();
    }
}
