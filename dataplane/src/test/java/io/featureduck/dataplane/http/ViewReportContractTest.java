package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.crds.report.ViewReport;
import io.featureduck.crds.report.ViewState;
import io.featureduck.crds.report.ViewsReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/views} as the operator reads it: the shared records parse what a running data plane answers. */
class ViewReportContractTest {
    @TempDir
    Path directory;

    @Test
    void theOperatorsRecordsReadWhatTheDataPlaneWrites() throws Exception {
        try (DemoServer server = new DemoServer(directory, 20)) {
            ViewsReport all = DemoServer.JSON.readValue(server.get("/v1/views").text(), ViewsReport.class);
            assertThat(all.configurationError()).isNull();
            assertThat(all.views())
                    .extracting(ViewReport::name)
                    .containsExactly("driver-stats", "driver-profile", "driver-trips");

            ViewReport stats = DemoServer.JSON.readValue(
                    server.get("/v1/views/driver-stats").text(), ViewReport.class);
            assertThat(stats.state()).isEqualTo(ViewState.READY);
            assertThat(stats.serving()).isTrue();
            assertThat(stats.tableVersion()).isEqualTo(3L);
            assertThat(stats.entitiesLoaded()).isEqualTo(20L);
            assertThat(stats.source().timestampColumn()).isEqualTo("event_timestamp");
            assertThat(stats.features()).extracting(ViewReport.Column::name).contains("conv_rate", "trips_per_hour");
            assertThat(stats.lastError()).isNull();
            assertThat(stats.degraded()).isFalse();
            assertThat(stats.consecutiveFailures()).isZero();
            assertThat(stats.aggregations()).isNull();

            ViewReport.Aggregations trips = DemoServer.JSON
                    .readValue(server.get("/v1/views/driver-trips").text(), ViewReport.class)
                    .aggregations();
            assertThat(trips.features())
                    .extracting(ViewReport.Aggregated::name)
                    .containsExactly(
                            "trips_1h", "trips_1d", "trips_7d", "conv_rate_1d", "conv_rate_7d", "hours_reported");
            assertThat(trips.eventsHeld()).isPositive();
            assertThat(trips.stateBytes()).isPositive();
        }
    }
}
