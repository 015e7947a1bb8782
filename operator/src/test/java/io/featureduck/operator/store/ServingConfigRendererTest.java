package io.featureduck.operator.store;

import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewStatus;
import io.featureduck.operator.dataplane.ViewAssignment;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServingConfigRendererTest {
    private final ServingConfigRenderer renderer = new ServingConfigRenderer();

    @Test
    void writesTheStoreAndItsViewsAsAUserWouldWithNoClusterState() {
        FeatureStore store = TestResources.store("drivers");
        FeatureView view = TestResources.view("driver-stats", "drivers");
        view.getMetadata().setUid("1234");
        view.getMetadata().setResourceVersion("99");
        view.setStatus(new FeatureViewStatus(3L, List.of(), "delta", 7L, 10L, null, null));

        String yaml = renderer.render(store, List.of(view));
        assertThat(yaml).startsWith("# Serving configuration of FeatureStore 'drivers'")
                .contains("apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata:\n  name: drivers\nspec:\n")
                .contains("---\napiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata:\n  name: driver-stats\n")
                .doesNotContain("1234", "resourceVersion", "status", "namespace");
    }

    @Test
    void theSameResourcesAlwaysGiveTheSameBytes() {
        FeatureStore store = TestResources.store("drivers");
        FeatureView a = TestResources.view("a-view", "drivers");
        FeatureView b = TestResources.view("b-view", "drivers");
        assertThat(renderer.render(store, ViewAssignment.servedBy(store, List.of(b, a))))
                .isEqualTo(renderer.render(store, ViewAssignment.servedBy(store, List.of(a, b))));
        assertThat(renderer.render(store, ViewAssignment.servedBy(store, List.of(b, a))).indexOf("a-view"))
                .isLessThan(renderer.render(store, ViewAssignment.servedBy(store, List.of(b, a))).indexOf("b-view"));
    }
}
