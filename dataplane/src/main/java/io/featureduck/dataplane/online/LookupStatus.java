package io.featureduck.dataplane.online;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;

/** Per-value status, named as in Feast's {@code FieldStatus}. */
public enum LookupStatus {
    PRESENT,
    NOT_FOUND,
    NULL_VALUE,
    OUTSIDE_MAX_AGE;

    private final SerializedString json = new SerializedString(name());

    /** The name, pre-encoded for Jackson's generator. */
    public SerializableString json() {
        return json;
    }
}
