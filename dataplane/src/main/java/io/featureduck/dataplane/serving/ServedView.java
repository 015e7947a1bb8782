package io.featureduck.dataplane.serving;

import io.featureduck.crds.report.ViewState;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.online.OnlineIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A view as this data plane currently serves it: an immutable snapshot swapped whole on every state change, so a
 * reader always sees an index together with the state and error that belong to it.
 *
 * @param index         the index being served; empty until the first load succeeds
 * @param lastError     why the most recent load or refresh failed, if it did
 * @param lastLoadTime  how long the most recent successful load or refresh took
 * @param lastCheckedAt when the table was last checked for a newer version
 * @param failures      failed loads and refreshes since the last success
 * @param retryAt       after a failure, when the next attempt is due (sooner than the refresh interval, backing off)
 */
public record ServedView(
        ViewDefinition definition,
        ViewState state,
        Optional<OnlineIndex> index,
        Optional<String> lastError,
        Optional<Instant> lastErrorAt,
        Optional<Duration> lastLoadTime,
        Optional<Instant> lastCheckedAt,
        int failures,
        Optional<Instant> retryAt) {

    public static ServedView pending(ViewDefinition definition) {
        return new ServedView(
                definition,
                definition.online() ? ViewState.PENDING : ViewState.OFFLINE,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                0,
                Optional.empty());
    }

    public ServedView loading() {
        return new ServedView(
                definition,
                index.isPresent() ? state : ViewState.LOADING,
                index,
                lastError,
                lastErrorAt,
                lastLoadTime,
                lastCheckedAt,
                failures,
                retryAt);
    }

    public ServedView loaded(OnlineIndex newIndex, Duration took) {
        return new ServedView(
                definition,
                ViewState.READY,
                Optional.of(newIndex),
                Optional.empty(),
                Optional.empty(),
                Optional.of(took),
                Optional.of(newIndex.loadedAt()),
                0,
                Optional.empty());
    }

    /** A failed load keeps the last good index serving; the next attempt is due at {@code retry}. */
    public ServedView failed(String error, Instant at, Instant retry) {
        return new ServedView(
                definition,
                index.isPresent() ? ViewState.READY : ViewState.FAILED,
                index,
                Optional.of(error),
                Optional.of(at),
                lastLoadTime,
                lastCheckedAt,
                failures + 1,
                Optional.of(retry));
    }

    /**
     * The table was checked at {@code at} and still holds the served version: whatever failed before has recovered,
     * and nothing else changes.
     */
    public ServedView checked(Instant at) {
        return new ServedView(
                definition,
                state,
                index,
                Optional.empty(),
                Optional.empty(),
                lastLoadTime,
                Optional.of(at),
                0,
                Optional.empty());
    }

    /**
     * The view's definition changed: the index built from the old definition keeps serving (it carries its own
     * definition) until one built from the new definition replaces it.
     */
    public ServedView redefined(ViewDefinition newDefinition) {
        if (!newDefinition.online()) {
            return pending(newDefinition);
        }
        return new ServedView(
                newDefinition,
                index.isPresent() ? ViewState.READY : ViewState.PENDING,
                index,
                Optional.empty(),
                Optional.empty(),
                lastLoadTime,
                lastCheckedAt,
                0,
                Optional.empty());
    }

    public String name() {
        return definition.name();
    }
}
