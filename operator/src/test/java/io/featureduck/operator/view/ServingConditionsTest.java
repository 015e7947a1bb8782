package io.featureduck.operator.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.report.ViewReport;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.ServingObservation;
import io.featureduck.operator.status.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way the data plane's reports turn into a FeatureView's Ready and Degraded conditions. */
class ServingConditionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pod's report as the data plane writes it. */
    private static DataPlaneClient.Served served(String state, Long version, String lastError) throws Exception {
        String json = "{\"name\": \"driver-stats\", \"state\": \"" + state + "\", \"online\": true, "
                + "\"table_version\": " + version + ", \"entities_loaded\": " + (version == null ? null : 5000)
                + ", \"loaded_at\": " + (version == null ? null : "\"2026-01-01T00:00:0" + version + "Z\"")
                + ", \"last_error\": " + (lastError == null ? null : "\"" + lastError + "\"")
                + ", \"refresh_interval_seconds\": 60, \"consecutive_failures\": 0, \"degraded\": false, "
                + "\"some_future_field\": 1}";
        return new DataPlaneClient.Served(JSON.readValue(json, ViewReport.class));
    }

    private static ServingObservation pods(DataPlaneClient.Answer... answers) {
        return new ServingObservation(List.of(answers));
    }

    @Test
    void noReadyPod() {
        ServingConditions.Serving serving = ServingConditions.of(ServingObservation.noReadyPods(), "drivers", null);
        assertThat(serving.ready())
                .isEqualTo(ServingConditions.Condition.of(
                        false, Reason.NO_READY_PODS, "no data-plane pod of FeatureStore 'drivers' is ready yet"));
        assertThat(serving.degraded().status()).isEqualTo("False");
        assertThat(serving.tableVersion()).isNull();
    }

    @Test
    void readyOnlyWhenEveryPodServesAndReportsTheOldestVersion() throws Exception {
        ServingConditions.Serving both =
                ServingConditions.of(pods(served("READY", 4L, null), served("READY", 3L, null)), "drivers", null);
        assertThat(both.ready())
                .isEqualTo(ServingConditions.Condition.of(
                        true, Reason.SERVING, "2 data-plane pods serve table version 3 or newer, 5000 entities"));
        assertThat(both.tableVersion()).isEqualTo(3L);
        assertThat(both.lastRefresh()).isEqualTo("2026-01-01T00:00:03Z");

        ServingConditions.Serving loading =
                ServingConditions.of(pods(served("READY", 4L, null), served("LOADING", null, null)), "drivers", null);
        assertThat(loading.ready().status()).isEqualTo("False");
        assertThat(loading.ready().reason()).isEqualTo(Reason.LOADING);
        assertThat(loading.tableVersion())
                .as("a pod without an index counts as oldest")
                .isNull();
    }

    @Test
    void aPodThatDoesNotServeTheViewYet() throws Exception {
        ServingConditions.Serving serving =
                ServingConditions.of(pods(served("READY", 1L, null), new DataPlaneClient.NotServed()), "drivers", null);
        assertThat(serving.ready().reason()).isEqualTo(Reason.WAITING_FOR_DATA_PLANE);
        assertThat(serving.ready().message()).startsWith("1 of 2 data-plane pods do not serve this view yet");
    }

    @Test
    void anUnreachablePodMakesReadinessUnknown() throws Exception {
        ServingConditions.Serving serving = ServingConditions.of(
                pods(
                        served("READY", 1L, null),
                        new DataPlaneClient.Unreachable("GET http://pod-1/v1/views/driver-stats: connection refused")),
                "drivers",
                null);
        assertThat(serving.ready())
                .isEqualTo(new ServingConditions.Condition(
                        "Unknown",
                        Reason.DATA_PLANE_UNREACHABLE,
                        "GET http://pod-1/v1/views/driver-stats: connection refused"));
    }

    @Test
    void aFailedFirstLoadIsNotReadyAndAFailedRefreshIsDegraded() throws Exception {
        ServingConditions.Serving failed =
                ServingConditions.of(pods(served("FAILED", null, "table not found")), "drivers", null);
        assertThat(failed.ready())
                .isEqualTo(ServingConditions.Condition.of(false, Reason.LOAD_FAILED, "table not found"));
        assertThat(failed.degraded().status()).as("nothing older is served").isEqualTo("False");
        assertThat(failed.lastError()).isEqualTo("table not found");

        ServingConditions.Serving stale =
                ServingConditions.of(pods(served("READY", 2L, "commit 3 unreadable")), "drivers", null);
        assertThat(stale.ready().status()).isEqualTo("True");
        assertThat(stale.degraded())
                .isEqualTo(ServingConditions.Condition.of(
                        true,
                        Reason.REFRESH_FAILED,
                        "serving table version 2 while the latest load failed: commit 3 unreadable"));
    }

    /** A pod's report of a view it serves pinned to {@code pinned}, perhaps loading a newer definition. */
    private static DataPlaneClient.Served pinned(long version, String pinned, boolean reloading, String lastError)
            throws Exception {
        String json = "{\"name\": \"driver-stats\", \"state\": \"READY\", \"online\": true, \"table_version\": "
                + version + ", \"entities_loaded\": 5000, \"loaded_at\": \"2026-01-01T00:00:00Z\", \"pinned\": "
                + (pinned == null ? null : "\"" + pinned + "\"") + ", \"reloading\": " + reloading
                + ", \"last_error\": " + (lastError == null ? null : "\"" + lastError + "\"")
                + ", \"refresh_interval_seconds\": 60, \"consecutive_failures\": 0, \"degraded\": false}";
        return new DataPlaneClient.Served(JSON.readValue(json, ViewReport.class));
    }

    @Test
    void aPinIsShownAndProgressingLastsUntilEveryPodServesThePinTheSpecNames() throws Exception {
        ServingConditions.Serving pinnedView =
                ServingConditions.of(pods(pinned(3, "version 3", false, null)), "drivers", "version 3");
        assertThat(pinnedView.pinned()).isEqualTo("version 3");
        assertThat(pinnedView.progressing().status()).isEqualTo("False");

        ServingConditions.Serving notYet = ServingConditions.of(
                pods(pinned(3, "version 3", false, null), pinned(7, null, false, null)), "drivers", "version 3");
        assertThat(notYet.progressing())
                .isEqualTo(ServingConditions.Condition.of(
                        true,
                        Reason.CHANGING_PIN,
                        "a data-plane pod serves the latest table version; the spec asks for version 3"));

        ServingConditions.Serving unpinning =
                ServingConditions.of(pods(pinned(3, "version 3", true, null)), "drivers", null);
        assertThat(unpinning.progressing().reason()).isEqualTo(Reason.CHANGING_PIN);

        ServingConditions.Serving reloading = ServingConditions.of(pods(pinned(7, null, true, null)), "drivers", null);
        assertThat(reloading.progressing().reason()).isEqualTo(Reason.RELOADING);
        assertThat(reloading.ready().status())
                .as("the previous definition keeps serving")
                .isEqualTo("True");

        ServingConditions.Serving missingPin = ServingConditions.of(
                pods(pinned(7, null, true, "Delta table has no version 99")), "drivers", "version 99");
        assertThat(missingPin.degraded())
                .isEqualTo(ServingConditions.Condition.of(
                        true,
                        Reason.REFRESH_FAILED,
                        "serving table version 7 while the latest load failed: Delta table has no version 99"));
        assertThat(missingPin.pinned()).as("what is served, not what is asked").isNull();
    }

    @Test
    void anOfflineViewIsReadyForHistoricalRetrieval() throws Exception {
        ServingConditions.Serving serving = ServingConditions.of(pods(served("OFFLINE", null, null)), "drivers", null);
        assertThat(serving.ready())
                .isEqualTo(ServingConditions.Condition.of(
                        true, Reason.OFFLINE_ONLY, "spec.online is false: served by historical retrieval only"));
    }
}
