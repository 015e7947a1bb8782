package io.featureduck.dataplane.values;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Timestamps as microseconds since the epoch, the unit Parquet, Delta and Iceberg store them in. Computed from
 * seconds and the microseconds of the second, never through nanoseconds, whose {@code long} holds only the years
 * 1677 to 2262: 9999-12-31, the usual "never", must not overflow.
 */
public final class EpochMicros {
    /** The earliest time every engine reading the tables accepts: 0001-01-01T00:00:00Z. */
    public static final Instant MIN = LocalDate.of(1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
    /** The latest: 9999-12-31T23:59:59.999999Z. */
    public static final Instant MAX =
            LocalDate.of(9999, 12, 31).atTime(23, 59, 59, 999_999_000).toInstant(ZoneOffset.UTC);

    private EpochMicros() {}

    /** @throws ArithmeticException for an instant whose microseconds do not fit a {@code long} */
    public static long of(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /** A local date-time's microseconds, read as UTC, as tables store timestamps without time zone. */
    public static long of(LocalDateTime local) {
        return of(local.toInstant(ZoneOffset.UTC));
    }

    /** Whether {@code instant} lies between {@link #MIN} and {@link #MAX}. */
    public static boolean inRange(Instant instant) {
        return !instant.isBefore(MIN) && !instant.isAfter(MAX);
    }
}
