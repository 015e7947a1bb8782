package io.featureduck.operator.store;

import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.SourceSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import java.util.List;

/** Small valid resources for unit tests of the store's dependents. */
final class TestResources {
    private TestResources() {}

    static FeatureStore store(String name) {
        FeatureStore store = FeatureStore.of(
                name, new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, "/data"), DataPlaneSpec.defaults()));
        store.getMetadata().setNamespace("features");
        return store;
    }

    static FeatureView view(String name, String store) {
        FeatureView view = FeatureView.of(
                name,
                new FeatureViewSpec(
                        store,
                        new SourceSpec(null, "t", "ts", null),
                        List.of(new EntitySpec("id", ValueType.INT64)),
                        List.of(new FeatureSpec("x", ValueType.FLOAT64)),
                        null,
                        null,
                        null,
                        null));
        view.getMetadata().setNamespace("features");
        return view;
    }
}
