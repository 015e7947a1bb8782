package io.featureduck.crds;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A FeatureView held at one version of its table ({@code spec.source.version} or {@code spec.source.asOf}) instead of
 * following new commits: rolling features back is then a change to the view in Git.
 *
 * @param version the format's own name for a version: a Delta commit version, an Iceberg snapshot id, a Hudi
 *                instant time
 * @param asOf    the version that was current at this instant
 */
public record TablePin(Long version, Instant asOf) {
    public TablePin {
        if ((version == null) == (asOf == null)) {
            throw new IllegalArgumentException("a pin names either a version or an instant");
        }
    }

    public static TablePin ofVersion(long version) {
        return new TablePin(version, null);
    }

    public static TablePin ofInstant(Instant asOf) {
        return new TablePin(null, asOf);
    }

    /**
     * The pin a source names, if any.
     *
     * @throws IllegalArgumentException when {@code asOf} is not an RFC 3339 date-time
     */
    public static Optional<TablePin> of(SourceSpec source) {
        if (source.version() != null) {
            return Optional.of(ofVersion(source.version()));
        }
        if (source.asOf() != null) {
            return Optional.of(ofInstant(parseInstant(source.asOf())));
        }
        return Optional.empty();
    }

    /** An RFC 3339 date-time with an offset, as Kubernetes writes times. */
    public static Instant parseInstant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an RFC 3339 date-time such as " + "2026-11-30T00:00:00Z");
        }
    }

    /** How status and messages name the pin: {@code version 3} or {@code asOf 2026-11-30T00:00:00Z}. */
    public String describe() {
        return version != null ? "version " + version : "asOf " + asOf;
    }
}
