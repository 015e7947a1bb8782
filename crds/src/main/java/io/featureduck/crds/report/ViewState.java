package io.featureduck.crds.report;

/** Where a view is in its life on one data-plane pod, as {@code GET /v1/views} reports it. */
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
