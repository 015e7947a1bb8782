package io.featureduck.dataplane.http;

import io.featureduck.dataplane.duckdb.EventRange;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** A request's {@code start_date} and {@code end_date} as an {@link EventRange}: ISO-8601 instants, the end by default now. */
final class TimeRanges {
    private TimeRanges() {}

    static EventRange of(String start, String end) {
        return new EventRange(instant("start_date", start), end == null ? Instant.now() : instant("end_date", end));
    }

    private static Instant instant(String field, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD,
                    "field '" + field + "' must be an ISO-8601 time with an offset, as 2026-01-01T00:00:00Z");
        }
    }
}
