package io.featureduck.dataplane.online;

/** Per-value status, named as in Feast's {@code FieldStatus}. */
public enum LookupStatus {
    PRESENT,
    NOT_FOUND,
    NULL_VALUE,
    OUTSIDE_MAX_AGE
}
