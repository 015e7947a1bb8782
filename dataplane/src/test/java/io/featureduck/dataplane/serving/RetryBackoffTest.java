package io.featureduck.dataplane.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        RetryBackoff middle = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.5);
        assertThat(middle.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(middle.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(middle.delay(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(middle.delay(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(middle.delay(1000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void spreadsEachDelayByAFifthEitherWay() {
        assertThat(new RetryBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), () -> 0.0).delay(1))
                .isEqualTo(Duration.ofSeconds(8));
        assertThat(new RetryBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), () -> 1.0).delay(1))
                .isEqualTo(Duration.ofSeconds(12));
    }
}
