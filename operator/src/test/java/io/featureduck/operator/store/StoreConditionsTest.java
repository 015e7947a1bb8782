package io.featureduck.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.SourceSpec;
import io.featureduck.crds.report.ViewsReport;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.StoreReports;
import io.featureduck.operator.dataplane.ViewAssignment;
import io.featureduck.operator.status.StatusConditions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store's status as a pure function of what the operator observed. */
class StoreConditionsTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static Deployment rolledOut(int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("drivers-dataplane")
                .withGeneration(1L)
                .endMetadata()
                .withNewStatus()
                .withObservedGeneration(1L)
                .withReadyReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .endStatus()
                .build();
    }

    private static Condition condition(FeatureStoreStatus status, String type) {
        return StatusConditions.find(status.conditions(), type).orElseThrow();
    }

    @Test
    void refusedViewsAreSummedUpAndAPodsConfigurationErrorDegradesTheStore() {
        FeatureStore store = TestResources.store("drivers");
        FeatureView good = TestResources.view("good", "drivers");
        FeatureView outside = TestResources.view("outside", "drivers");
        outside.setSpec(new io.featureduck.crds.FeatureViewSpec(
                "drivers",
                new SourceSpec(null, "/etc", "ts", null),
                good.getSpec().entities(),
                good.getSpec().features(),
                null,
                null,
                null,
                null));
        var admission = ViewAssignment.admit(store, List.of(good, outside), List.of());
        int replicas = store.getSpec().effectiveDataPlane().effectiveReplicas();

        FeatureStoreStatus serving = StoreConditions.derive(
                new StoreConditions.Observed(
                        store,
                        admission,
                        ShardLayouts.of(store),
                        List.of(rolledOut(replicas)),
                        List.of(),
                        StoreReports.noReadyPods()),
                List.of(),
                clock);
        assertThat(serving.views()).containsExactly("good");
        assertThat(serving.refusedViews()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("outside");
            assertThat(r.reason()).startsWith("spec.source.path: '/etc' is outside the store's lakehouse");
        });
        assertThat(condition(serving, StatusConditions.READY).getStatus()).isEqualTo("True");
        assertThat(condition(serving, StatusConditions.READY).getMessage())
                .endsWith("serving 1 view; 1 refused " + "(status.refusedViews)");
        assertThat(condition(serving, StatusConditions.DEGRADED).getStatus()).isEqualTo("False");

        FeatureStoreStatus stuck = StoreConditions.derive(
                new StoreConditions.Observed(
                        store,
                        admission,
                        ShardLayouts.of(store),
                        List.of(rolledOut(replicas)),
                        List.of(),
                        new StoreReports(List.of(new DataPlaneClient.Reports(
                                new ViewsReport("FeatureView 'x': spec.ttl: bad", List.of()))))),
                List.of(),
                clock);
        assertThat(condition(stuck, StatusConditions.DEGRADED).getStatus()).isEqualTo("True");
        assertThat(condition(stuck, StatusConditions.DEGRADED).getReason()).isEqualTo("ConfigurationError");
        assertThat(condition(stuck, StatusConditions.DEGRADED).getMessage()).contains("spec.ttl: bad");
        assertThat(condition(stuck, StatusConditions.READY).getStatus())
                .as("the previous file keeps serving")
                .isEqualTo("True");
    }
}
