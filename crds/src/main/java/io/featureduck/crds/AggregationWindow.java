package io.featureduck.crds;

import java.time.Duration;
import java.util.Optional;

/**
 * How far back an aggregation looks from the end of its window: a duration (from {@link #MIN} to {@link #MAX}) or
 * every event there is.
 *
 * @param text     as written: {@code 10m}, {@code 7d}, {@code lifetime}; the suffix of the served feature's name
 * @param duration the window's length; empty for {@code lifetime}
 */
public record AggregationWindow(String text, Optional<Duration> duration) {
    public static final String LIFETIME = "lifetime";
    public static final Duration MIN = Duration.ofSeconds(1);
    /** A year, leap or not. */
    public static final Duration MAX = Duration.ofDays(366);

    /**
     * Parses a window as written.
     *
     * @throws IllegalArgumentException saying what a window may be
     */
    public static AggregationWindow parse(String text) {
        if (LIFETIME.equals(text)) {
            return new AggregationWindow(text, Optional.empty());
        }
        Duration duration;
        try {
            duration = KubeDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a window; write a duration such as 10m, 1h, 7d or 365d, or lifetime");
        }
        if (duration.compareTo(MIN) < 0 || duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' is outside the windows served: from " + MIN.toSeconds()
                    + "s to " + MAX.toDays() + "d, or lifetime for every event");
        }
        if (duration.toNanos() % 1000 != 0) {
            throw new IllegalArgumentException("'" + text + "' is finer than event times, which are microseconds");
        }
        return new AggregationWindow(text, Optional.of(duration));
    }

    public boolean isLifetime() {
        return duration.isEmpty();
    }

    /** The window's length in microseconds; {@link Long#MAX_VALUE} for lifetime. */
    public long micros() {
        return duration.map(d -> d.toNanos() / 1000).orElse(Long.MAX_VALUE);
    }
}
