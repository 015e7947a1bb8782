package io.featureduck.dataplane;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Brings values from different readers to one comparable form: integers as Long, floats as Double, times as micros. */
public final class ComparableValues {
    private ComparableValues() {}

    /** A point in time as microseconds since the epoch (UTC). */
    public record Micros(long value) {}

    public static Object of(Object value) {
        if (value == null) return null;
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) return (double) f;
        if (value instanceof BigDecimal d) return d.doubleValue();
        if (value instanceof Instant i) return new Micros(i.getEpochSecond() * 1_000_000L + i.getNano() / 1000);
        if (value instanceof OffsetDateTime o) return of(o.toInstant());
        if (value instanceof LocalDateTime l) return of(l.toInstant(ZoneOffset.UTC));
        if (value instanceof java.sql.Timestamp t) return of(t.toLocalDateTime());
        if (value instanceof java.sql.Date d) return d.toLocalDate();
        if (value instanceof LocalDate
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Double
                || value instanceof Micros) {
            return value;
        }
        throw new IllegalArgumentException("no comparable form for " + value.getClass() + ": " + value);
    }
}
