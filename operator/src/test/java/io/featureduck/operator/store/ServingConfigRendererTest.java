package io.featureduck.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureServiceSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewStatus;
import io.featureduck.operator.dataplane.ServiceAssignment;
import io.featureduck.operator.dataplane.ViewAssignment;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServingConfigRendererTest {
    private final ServingConfigRenderer renderer = new ServingConfigRenderer();

    @Test
    void writesTheStoreAndItsViewsAsAUserWouldWithNoClusterState() {
        FeatureStore store = TestResources.store("drivers");
        FeatureView view = TestResources.view("driver-stats", "drivers");
        view.getMetadata().setUid("1234");
        view.getMetadata().setResourceVersion("99");
        view.setStatus(new FeatureViewStatus(3L, List.of(), "delta", 7L, 10L, null, null, null));

        String yaml = renderer.render(store, List.of(view), List.of());
        assertThat(yaml)
                .startsWith("# Serving configuration of FeatureStore 'drivers'")
                .contains(
                        "apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata:\n  name: drivers\nspec:\n")
                .contains(
                        "---\napiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata:\n  name: driver-stats\n")
                .doesNotContain("1234", "resourceVersion", "status", "namespace");
    }

    @Test
    void theSameResourcesAlwaysGiveTheSameBytes() {
        FeatureStore store = TestResources.store("drivers");
        FeatureView a = TestResources.view("a-view", "drivers");
        FeatureView b = TestResources.view("b-view", "drivers");
        assertThat(renderer.render(store, ViewAssignment.servedBy(store, List.of(b, a)), List.of()))
                .isEqualTo(renderer.render(store, ViewAssignment.servedBy(store, List.of(a, b)), List.of()));
        assertThat(renderer.render(store, ViewAssignment.servedBy(store, List.of(b, a)), List.of())
                        .indexOf("a-view"))
                .isLessThan(renderer.render(store, ViewAssignment.servedBy(store, List.of(b, a)), List.of())
                        .indexOf("b-view"));
    }

    @Test
    void servesOnlyTheFeatureServicesThatResolveAgainstTheServedViews() {
        FeatureStore store = TestResources.store("drivers");
        FeatureView view = TestResources.view("driver-stats", "drivers");
        FeatureService good = service("ranking", "drivers", "driver-stats:*");
        FeatureService unknownFeature = service("broken", "drivers", "driver-stats:nope");
        FeatureService otherStore = service("elsewhere", "other", "driver-stats:x");
        var admission = ViewAssignment.admit(store, List.of(view), List.of(unknownFeature, good, otherStore));
        List<FeatureService> served = ServiceAssignment.servedBy(admission);
        assertThat(served).extracting(s -> s.getMetadata().getName()).containsExactly("ranking");
        assertThat(ServiceAssignment.resolution(admission, unknownFeature).problem())
                .contains("feature view 'driver-stats' has no feature 'nope'");
        assertThat(ServiceAssignment.resolution(admission, good).features()).containsExactly("driver-stats:x");
        assertThat(renderer.render(store, List.of(view), served))
                .contains(
                        "---\napiVersion: featureduck.io/v1alpha1\nkind: FeatureService\nmetadata:\n  name: ranking\n")
                .contains("1 FeatureView and 1 FeatureService");
    }

    private static FeatureService service(String name, String store, String... features) {
        FeatureService service = FeatureService.of(name, new FeatureServiceSpec(store, List.of(features), null));
        service.getMetadata().setNamespace("features");
        return service;
    }
}
