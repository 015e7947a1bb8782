package io.featureduck.dataplane.serving;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long a view waits before trying again after failed loads: doubling from {@code initial} up to {@code max}, each
 * delay spread by up to a fifth either way so that the pods of a store do not all retry a struggling (throttling,
 * restarting) object store at the same moment.
 */
public record RetryBackoff(Duration initial, Duration max, DoubleSupplier random) {
    public static RetryBackoff standard() {
        return new RetryBackoff(
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration delay(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 30));
        long millis = Math.min(max.toMillis(), initial.toMillis() << doublings);
        double spread = 0.8 + 0.4 * random.getAsDouble();
        return Duration.ofMillis(Math.round(millis * spread));
    }
}
