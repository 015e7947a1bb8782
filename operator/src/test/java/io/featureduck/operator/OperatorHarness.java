package io.featureduck.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.featureduck.operator.config.OperatorSettings;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the real operator against a test's Kubernetes API (Fabric8's mock server in CRUD mode), configured as a
 * deployment against an API server without server-side apply would be, and builds the resources tests apply.
 */
final class OperatorHarness implements AutoCloseable {
    /** The namespace the tests work in. */
    static final String NAMESPACE = "features";

    final KubernetesClient client;
    private Operator operator;

    private final Map<String, String> environment;

    OperatorHarness(KubernetesClient client, String dataPlaneUrl) {
        this(client, Map.of("FEATUREDUCK_DATAPLANE_URL", dataPlaneUrl));
    }

    /** An operator configured by {@code environment} on top of the test defaults. */
    OperatorHarness(KubernetesClient client, Map<String, String> environment) {
        this.client = client;
        this.environment = environment;
        start();
    }

    private OperatorSettings settings() {
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "FEATUREDUCK_SERVER_SIDE_APPLY", "false",
                "FEATUREDUCK_STATUS_INTERVAL", "1s"));
        all.putAll(environment);
        return OperatorSettings.from(all);
    }

    private void start() {
        operator = FeatureDuckOperator.create(client, settings(), false);
        operator.start();
    }

    void restart() {
        operator.stop();
        start();
    }

    @Override
    public void close() {
        operator.stop();
    }

    static FeatureStore store(String name, int replicas) {
        FeatureStore store = FeatureStore.of(
                name,
                new FeatureStoreSpec(
                        new LakehouseSpec(TableFormat.DELTA, "/var/lib/featureduck/lakehouse", "lakehouse"),
                        new DataPlaneSpec(
                                replicas,
                                null,
                                new DataPlaneSpec.ResourcesSpec("250m", "2", "1Gi", "2Gi"),
                                null,
                                null,
                                "1GB",
                                DataPlaneSpec.AuthSpec.bearer("drivers-tokens"),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null)));
        store.getMetadata().setNamespace(NAMESPACE);
        return store;
    }

    static FeatureView view(String name, String store, String... features) {
        List<FeatureSpec> specs = List.of(features).stream()
                .map(f -> new FeatureSpec(f, ValueType.FLOAT64))
                .toList();
        FeatureView view = FeatureView.of(
                name,
                new FeatureViewSpec(
                        store,
                        new SourceSpec(null, name.replace('-', '_'), "event_timestamp", null),
                        List.of(new EntitySpec("driver_id", ValueType.INT64)),
                        specs,
                        "48h",
                        null,
                        "1m",
                        null));
        view.getMetadata().setNamespace(NAMESPACE);
        return view;
    }

    static Duration patience() {
        return Duration.ofSeconds(30);
    }
}
