package io.featureduck.dataplane.serving;

/** Where a view is in its life on this data plane. */
public enum ViewState {
    /** Known, not loaded yet. */
    PENDING,
    /** First load in progress; nothing to serve yet. */
    LOADING,
    /** Serving its latest loaded version. */
    READY,
    /** Never loaded successfully; the error says why. */
    FAILED,
    /** Not kept online ({@code spec.online: false}); available to historical retrieval only. */
    OFFLINE
}
