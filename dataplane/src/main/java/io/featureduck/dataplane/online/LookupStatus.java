package io.featureduck.dataplane.online;

import java.nio.charset.StandardCharsets;

/** Per-value status, named as in Feast's {@code FieldStatus} but for {@link #UNAVAILABLE}. */
public enum LookupStatus {
    PRESENT("PRESENT"),
    NOT_FOUND("NOT_FOUND"),
    NULL_VALUE("NULL_VALUE"),
    OUTSIDE_MAX_AGE("OUTSIDE_MAX_AGE"),
    /**
     * The shard owning the key could not be asked (a sharded store with a shard down): no value, though one may
     * exist. Feast has no such status; its protocols say {@code INVALID}, the one Feast status that claims nothing
     * about the value.
     */
    UNAVAILABLE("INVALID");

    private final String feastName;
    private final byte[] quoted = ('"' + name() + '"').getBytes(StandardCharsets.US_ASCII);
    private final byte[] feastQuoted;

    LookupStatus(String feastName) {
        this.feastName = feastName;
        this.feastQuoted = ('"' + feastName + '"').getBytes(StandardCharsets.US_ASCII);
    }

    /** The name as a JSON string, quotes included, ready to copy into an answer; must not be modified. */
    public byte[] quotedJson() {
        return quoted;
    }

    /** The name of Feast's {@code FieldStatus} that stands for this status on Feast's protocols. */
    public String feastName() {
        return feastName;
    }

    /** {@link #feastName()} as a JSON string, quotes included; must not be modified. */
    public byte[] feastQuotedJson() {
        return feastQuoted;
    }
}
