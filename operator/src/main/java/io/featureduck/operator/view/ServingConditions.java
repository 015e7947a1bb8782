package io.featureduck.operator.view;

import io.featureduck.crds.report.ViewState;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.ServingObservation;
import io.featureduck.operator.status.Reason;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns what the data plane reports of a view into its {@code Ready} and {@code Degraded} conditions and status
 * fields: a pure function of the observation, so every case is a unit test. Ready only when every pod serves the
 * view; the table version is the oldest any pod serves; Degraded when a pod serves an older version because its
 * latest load failed; Progressing while a pod is loading the view or still serves it by an older definition, or
 * serves another pin than the spec names (the ConfigMap has not reached it yet).
 */
final class ServingConditions {
    private ServingConditions() {}

    /** One condition's status ({@code True}, {@code False}, {@code Unknown}), reason and message. */
    record Condition(String status, Reason reason, String message) {
        static Condition of(boolean status, Reason reason, String message) {
            return new Condition(status ? "True" : "False", reason, message);
        }
    }

    /** The view's serving state: its conditions and, when a pod serves it, what is served. */
    record Serving(
            Condition ready,
            Condition degraded,
            Condition progressing,
            Long tableVersion,
            Long rows,
            String lastRefresh,
            String lastError,
            String pinned) {}

    /**
     * @param wantedPin how the spec pins the view ({@link io.featureduck.crds.TablePin#describe}), null when it
     *                  follows the table
     */
    static Serving of(ServingObservation observation, String store, String wantedPin) {
        List<DataPlaneClient.Answer> answers = observation.answers();
        if (answers.isEmpty()) {
            return new Serving(
                    Condition.of(
                            false,
                            Reason.NO_READY_PODS,
                            "no data-plane pod of FeatureStore '" + store + "' is ready yet"),
                    Condition.of(false, Reason.AS_EXPECTED, "no load failures reported"),
                    Condition.of(true, Reason.NO_READY_PODS, "waiting for a data-plane pod"),
                    null,
                    null,
                    null,
                    null,
                    null);
        }
        String pods = answers.size() == 1 ? "the data plane" : answers.size() + " data-plane pods";
        Optional<DataPlaneClient.Unreachable> unreachable = answers.stream()
                .filter(DataPlaneClient.Unreachable.class::isInstance)
                .map(DataPlaneClient.Unreachable.class::cast)
                .findFirst();
        long notServing = answers.stream()
                .filter(DataPlaneClient.NotServed.class::isInstance)
                .count();
        List<DataPlaneClient.Served> served = answers.stream()
                .filter(DataPlaneClient.Served.class::isInstance)
                .map(DataPlaneClient.Served.class::cast)
                .toList();

        Condition ready;
        if (unreachable.isPresent()) {
            ready = new Condition(
                    "Unknown", Reason.DATA_PLANE_UNREACHABLE, unreachable.get().reason());
        } else if (notServing > 0) {
            ready = Condition.of(
                    false,
                    Reason.WAITING_FOR_DATA_PLANE,
                    notServing + " of " + answers.size() + " data-plane "
                            + "pods do not serve this view yet; pods pick up the store's ConfigMap within about a minute");
        } else if (served.stream().anyMatch(r -> r.state() == ViewState.FAILED)) {
            ready = Condition.of(
                    false,
                    Reason.LOAD_FAILED,
                    served.stream()
                            .filter(r -> r.state() == ViewState.FAILED)
                            .findFirst()
                            .flatMap(DataPlaneClient.Served::lastError)
                            .orElse("load failed"));
        } else if (served.stream().allMatch(r -> r.state() == ViewState.OFFLINE)) {
            ready = Condition.of(
                    true, Reason.OFFLINE_ONLY, "spec.online is false: served by historical retrieval only");
        } else if (served.stream().allMatch(r -> r.state() == ViewState.READY)) {
            DataPlaneClient.Served oldest = oldest(served);
            ready = Condition.of(
                    true,
                    Reason.SERVING,
                    pods + " serve table version "
                            + oldest.tableVersion().map(String::valueOf).orElse("?")
                            + (served.stream()
                                                    .map(DataPlaneClient.Served::tableVersion)
                                                    .distinct()
                                                    .count()
                                            > 1
                                    ? " or newer"
                                    : "")
                            + ", "
                            + oldest.entities().map(String::valueOf).orElse("?") + " entities");
        } else {
            ready = Condition.of(false, Reason.LOADING, pods + " are loading the table");
        }
        Optional<DataPlaneClient.Served> failedRefresh = served.stream()
                .filter(r -> r.report().serving() && r.lastError().isPresent())
                .findFirst();
        Condition degraded = failedRefresh
                .map(r -> Condition.of(
                        true,
                        Reason.REFRESH_FAILED,
                        "serving table version " + r.tableVersion().get() + " while the latest load failed: "
                                + r.lastError().get()))
                .orElse(Condition.of(false, Reason.AS_EXPECTED, "no load failures"));
        Condition progressing = progressing(ready, served, wantedPin);
        if (served.isEmpty()) {
            return new Serving(ready, degraded, progressing, null, null, null, null, null);
        }
        DataPlaneClient.Served oldest = oldest(served);
        String lastError = served.stream()
                .map(DataPlaneClient.Served::lastError)
                .flatMap(Optional::stream)
                .findFirst()
                .orElse(null);
        return new Serving(
                ready,
                degraded,
                progressing,
                oldest.tableVersion().orElse(null),
                oldest.entities().orElse(null),
                oldest.loadedAt().orElse(null),
                lastError,
                oldest.report().pinned());
    }

    private static Condition progressing(Condition ready, List<DataPlaneClient.Served> served, String wantedPin) {
        if (ready.reason() == Reason.LOADING || ready.reason() == Reason.WAITING_FOR_DATA_PLANE) {
            return Condition.of(true, ready.reason(), ready.message());
        }
        if ("Unknown".equals(ready.status())) {
            return ready;
        }
        Optional<DataPlaneClient.Served> otherPin = served.stream()
                .filter(r -> r.report().serving() && !Objects.equals(r.report().pinned(), wantedPin))
                .findFirst();
        if (otherPin.isPresent()) {
            String has = otherPin.get().report().pinned();
            return Condition.of(
                    true,
                    Reason.CHANGING_PIN,
                    "a data-plane pod serves "
                            + (has == null ? "the latest table " + "version" : "the table pinned to " + has)
                            + "; the spec asks for " + (wantedPin == null ? "the latest version" : wantedPin));
        }
        if (served.stream()
                .anyMatch(r -> r.report().reloading() && r.lastError().isEmpty())) {
            return Condition.of(
                    true,
                    Reason.RELOADING,
                    "a data-plane pod is loading the view's new definition while " + "the previous one keeps serving");
        }
        return Condition.of(false, Reason.SERVING, "the data plane serves the current definition");
    }

    /** The report of the pod serving the oldest table version (a pod without an index counts as oldest). */
    private static DataPlaneClient.Served oldest(List<DataPlaneClient.Served> served) {
        return served.stream()
                .min(Comparator.comparingLong(r -> r.tableVersion().orElse(Long.MIN_VALUE)))
                .orElseThrow();
    }
}
