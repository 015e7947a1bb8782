package io.featureduck.dataplane.online;

import java.nio.charset.StandardCharsets;

/** Per-value status, named as in Feast's {@code FieldStatus}. */
public enum LookupStatus {
    PRESENT,
    NOT_FOUND,
    NULL_VALUE,
    OUTSIDE_MAX_AGE;

    private final byte[] quoted = ('"' + name() + '"').getBytes(StandardCharsets.US_ASCII);

    /** The name as a JSON string, quotes included, ready to copy into an answer; must not be modified. */
    public byte[] quotedJson() {
        return quoted;
    }
}
