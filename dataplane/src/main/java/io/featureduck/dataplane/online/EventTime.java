package io.featureduck.dataplane.online;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Event times are microseconds since the epoch, UTC, everywhere inside the data plane; on the wire they are ISO-8601
 * instants with a {@code Z}, as Feast writes them.
 *
 * <p>Formatting an instant costs about a microsecond, and a Feast response carries one per feature per entity. Rows
 * written by the same pipeline run share their event time, so formatted times are cached by value in a small
 * direct-mapped table of immutable entries (a racy read sees a whole entry or none). Callers must not modify the
 * returned bytes.
 */
public final class EventTime {
    private static final int CACHE_SLOTS = 4096;
    private static final AtomicReferenceArray<Formatted> CACHE = new AtomicReferenceArray<>(CACHE_SLOTS);

    private record Formatted(long micros, byte[] quoted) {}

    private EventTime() {}

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    public static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    public static String format(long micros) {
        return DateTimeFormatter.ISO_INSTANT.format(toInstant(micros));
    }

    /** The formatted time as a JSON string, quotes included, in UTF-8: ready to copy into an answer. */
    public static byte[] quotedUtf8(long micros) {
        int slot = Long.hashCode(micros * 0x9E3779B97F4A7C15L) & (CACHE_SLOTS - 1);
        Formatted cached = CACHE.get(slot);
        if (cached != null && cached.micros() == micros) {
            return cached.quoted();
        }
        Formatted fresh = new Formatted(micros, ('"' + format(micros) + '"').getBytes(StandardCharsets.US_ASCII));
        CACHE.set(slot, fresh);
        return fresh.quoted();
    }
}
