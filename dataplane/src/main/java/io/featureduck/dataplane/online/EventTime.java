package io.featureduck.dataplane.online;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Event times are microseconds since the epoch, UTC, everywhere inside the data plane. */
public final class EventTime {
    private EventTime() {
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    public static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    /** ISO-8601 in UTC with a {@code Z}, as Feast's JSON writes timestamps. */
    public static String format(long micros) {
        return DateTimeFormatter.ISO_INSTANT.format(toInstant(micros));
    }
}
