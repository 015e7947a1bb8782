package io.featureduck.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    private static FeatureViewSpec spec(List<EntitySpec> entities, List<FeatureSpec> features, String ttl) {
        return new FeatureViewSpec(
                "store", new SourceSpec(null, "t", "ts", null), entities, features, ttl, null, null, null);
    }

    @Test
    void acceptsAWellFormedView() {
        FeatureView view = FeatureView.of(
                "driver-stats",
                spec(
                        List.of(new EntitySpec("driver_id", ValueType.INT64)),
                        List.of(new FeatureSpec("conv_rate", ValueType.FLOAT32)),
                        "48h"));
        assertThat(SpecValidator.validate(view)).isEmpty();
    }

    @Test
    void namesEveryOffendingField() {
        FeatureView view = FeatureView.of(
                "Driver_Stats",
                spec(
                        List.of(new EntitySpec("id", ValueType.FLOAT64), new EntitySpec("id", ValueType.INT64)),
                        List.of(
                                new FeatureSpec("x", ValueType.INT64),
                                new FeatureSpec("x", null),
                                new FeatureSpec("id", ValueType.BOOL)),
                        "two days"));
        assertThat(SpecValidator.validate(view))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder(
                        "metadata.name",
                        "spec.entities[0].type",
                        "spec.entities[1].name",
                        "spec.features[1].name",
                        "spec.features[1].type",
                        "spec.features[2].name",
                        "spec.ttl");
    }

    @Test
    void pushesNeedAnEventTimeAnUnpinnedTableAndWellFormedSettings() {
        List<EntitySpec> keys = List.of(new EntitySpec("k", ValueType.STRING));
        List<FeatureSpec> features = List.of(new FeatureSpec("f", ValueType.STRING));
        PushSpec push = new PushSpec(true, "k_push", "100ms", 500);
        assertThat(SpecValidator.validate(FeatureView.of(
                        "v",
                        new FeatureViewSpec(
                                "s",
                                new SourceSpec(null, "t", "ts", null),
                                keys,
                                features,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                push))))
                .isEmpty();

        FeatureViewSpec snapshot = new FeatureViewSpec(
                "s", new SourceSpec(null, "t", null, null), keys, features, null, null, null, null, null, null, push);
        assertThat(SpecValidator.validate(FeatureView.of("v", snapshot)))
                .extracting(Violation::message)
                .containsExactly("a view that takes pushes needs spec.source.timestampColumn: every pushed row says "
                        + "when it happened");

        SourceSpec pinned = new SourceSpec(null, "t", "ts", null).pinned(TablePin.ofVersion(3));
        assertThat(SpecValidator.validate(FeatureView.of(
                        "v",
                        new FeatureViewSpec("s", pinned, keys, features, null, null, null, null, null, null, push))))
                .extracting(Violation::field)
                .containsExactly("spec.push.enabled");

        PushSpec broken = new PushSpec(true, "k push", "soon", 0);
        assertThat(SpecValidator.validate(FeatureView.of(
                        "v",
                        new FeatureViewSpec(
                                "s",
                                new SourceSpec(null, "t", "ts", null),
                                keys,
                                features,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                broken))))
                .extracting(Violation::field)
                .containsExactly("spec.push.sourceName", "spec.push.flushInterval", "spec.push.maxBatchRows");
        assertThat(new PushSpec(null, null, null, null).accepted())
                .as("pushes are opt-in")
                .isFalse();
    }

    @Test
    void createdTimestampNeedsAnEventTimestamp() {
        FeatureView view = FeatureView.of(
                "v",
                new FeatureViewSpec(
                        "s",
                        new SourceSpec(null, "t", null, "created"),
                        List.of(new EntitySpec("k", ValueType.STRING)),
                        List.of(new FeatureSpec("f", ValueType.STRING)),
                        null,
                        null,
                        null,
                        null));
        assertThat(SpecValidator.validate(view))
                .extracting(Violation::field)
                .containsExactly("spec.source.createdTimestampColumn");
    }

    @Test
    void storeNeedsLakehouseFormatRootAndAnExplicitAuthChoice() {
        FeatureStore store = FeatureStore.of("s", new FeatureStoreSpec(new LakehouseSpec(null, " "), null));
        assertThat(SpecValidator.validate(store))
                .extracting(Violation::field)
                .containsExactly("spec.lakehouse.format", "spec.lakehouse.root", "spec.dataPlane.auth");
    }

    @Test
    void eachAuthTypeNeedsWhatItReadsAndHudiIsAccepted() {
        FeatureStore bearer =
                store(TableFormat.HUDI, new DataPlaneSpec.AuthSpec(io.featureduck.crds.AuthType.BEARER, null, null));
        assertThat(SpecValidator.validate(bearer))
                .containsExactly(new Violation(
                        "spec.dataPlane.auth.tokenSecretName", DataPlaneSpec.AuthSpec.BEARER_NEEDS_SECRET));
        assertThat(SpecValidator.validate(store(
                        TableFormat.DELTA,
                        new DataPlaneSpec.AuthSpec(io.featureduck.crds.AuthType.KUBERNETES, null, null))))
                .extracting(Violation::field)
                .containsExactly("spec.dataPlane.auth.serviceAccountName");
        assertThatThrownBy(() -> AuthType.fromWireName("basic")).hasMessageContaining("bearer, kubernetes, none");
        assertThat(SpecValidator.validate(store(TableFormat.DELTA, DataPlaneSpec.AuthSpec.bearer("tokens"))))
                .isEmpty();
        assertThat(SpecValidator.validate(store(TableFormat.DELTA, DataPlaneSpec.AuthSpec.kubernetes("reader"))))
                .isEmpty();
        assertThat(SpecValidator.validate(store(TableFormat.DELTA, DataPlaneSpec.AuthSpec.NONE)))
                .isEmpty();

        FeatureView hudiView = FeatureView.of(
                "v",
                new FeatureViewSpec(
                        "s",
                        new SourceSpec(TableFormat.HUDI, "t", "ts", null),
                        List.of(new EntitySpec("k", ValueType.STRING)),
                        List.of(new FeatureSpec("f", ValueType.STRING)),
                        null,
                        null,
                        null,
                        null));
        assertThat(SpecValidator.validate(hudiView)).isEmpty();
    }

    private static FeatureViewSpec withOnDemand(List<OnDemandFeatureSpec> onDemand, List<RequestFieldSpec> request) {
        return new FeatureViewSpec(
                "store",
                new SourceSpec(null, "t", "ts", null),
                List.of(new EntitySpec("driver_id", ValueType.INT64)),
                List.of(new FeatureSpec("conv_rate", ValueType.FLOAT32), new FeatureSpec("signup", ValueType.DATE)),
                null,
                null,
                null,
                null,
                onDemand,
                request);
    }

    @Test
    void onDemandExpressionsMustCompileToTheirTypeOverDeclaredInputs() {
        List<RequestFieldSpec> request = List.of(new RequestFieldSpec("trip_km", ValueType.FLOAT64));
        FeatureView good = FeatureView.of(
                "v",
                withOnDemand(
                        List.of(new OnDemandFeatureSpec("earnings", ValueType.FLOAT64, "conv_rate * request.trip_km")),
                        request));
        assertThat(SpecValidator.validate(good)).isEmpty();
        assertThat(OnDemandExpressions.compile(good.spec()).get(0).features()).containsExactly("conv_rate");
        assertThat(OnDemandExpressions.compile(good.spec()).get(0).requestFields())
                .containsExactly("trip_km");

        FeatureView bad = FeatureView.of(
                "v",
                withOnDemand(
                        List.of(
                                new OnDemandFeatureSpec("wrong_type", ValueType.STRING, "conv_rate * 2.0"),
                                new OnDemandFeatureSpec("undeclared", ValueType.FLOAT64, "conv_rate * request.tip"),
                                new OnDemandFeatureSpec("dates_are_not_inputs", ValueType.BOOL, "signup == 'x'"),
                                new OnDemandFeatureSpec("conv_rate", ValueType.FLOAT64, "conv_rate"),
                                new OnDemandFeatureSpec("no_date_output", ValueType.DATE, "conv_rate")),
                        request));
        assertThat(SpecValidator.validate(bad))
                .extracting(Violation::field)
                .containsExactly(
                        "spec.onDemand[3].name",
                        "spec.onDemand[0].expression",
                        "spec.onDemand[1].expression",
                        "spec.onDemand[2].expression",
                        "spec.onDemand[4].type");
        assertThat(SpecValidator.validate(bad).get(2).message()).contains("request.tip");

        FeatureView orphanRequest = FeatureView.of("v", withOnDemand(List.of(), request));
        assertThat(SpecValidator.validate(orphanRequest))
                .extracting(Violation::field)
                .containsExactly("spec.requestData");
    }

    @Test
    void featureServicesNeedAStoreAndWellFormedUniqueReferences() {
        FeatureService good = FeatureService.of(
                "ranking", new FeatureServiceSpec("s", List.of("driver-stats:conv_rate", "driver-profile:*"), null));
        assertThat(SpecValidator.validate(good)).isEmpty();
        FeatureService bad = FeatureService.of(
                "Ranking",
                new FeatureServiceSpec(
                        null, List.of("driver-stats:conv_rate", "conv_rate", "driver-stats:conv_rate"), null));
        assertThat(SpecValidator.validate(bad))
                .extracting(Violation::field)
                .containsExactly("metadata.name", "spec.store", "spec.features[1]", "spec.features[2]");
        assertThat(SpecValidator.validate(FeatureService.of("empty", new FeatureServiceSpec("s", List.of(), null))))
                .extracting(Violation::field)
                .containsExactly("spec.features");
    }

    @Test
    void aFeatureServiceResolvesAgainstTheViewsServedFeatures() {
        Map<String, List<String>> served =
                Map.of("driver-stats", List.of("conv_rate", "acc_rate", "plus_val"), "driver-profile", List.of("name"));
        assertThat(FeatureServiceResolution.resolve(
                        new FeatureServiceSpec("s", List.of("driver-profile:name", "driver-stats:*"), null), served))
                .containsExactly(
                        "driver-profile:name",
                        "driver-stats:conv_rate",
                        "driver-stats:acc_rate",
                        "driver-stats:plus_val");
        assertThatThrownBy(() -> FeatureServiceResolution.resolve(
                        new FeatureServiceSpec(
                                "s",
                                List.of("nope:x", "driver-stats:missing", "driver-stats:*", "driver-stats:acc_rate"),
                                null),
                        served))
                .hasMessageContaining("no feature view 'nope'")
                .hasMessageContaining("has no feature 'missing'")
                .hasMessageContaining("driver-stats:acc_rate again");
    }

    private static FeatureStore store(TableFormat format, DataPlaneSpec.AuthSpec auth) {
        return FeatureStore.of(
                "s",
                new FeatureStoreSpec(
                        new LakehouseSpec(format, "/lake"),
                        new DataPlaneSpec(
                                null, null, null, null, null, null, auth, null, null, null, null, null, null, null)));
    }

    @Test
    void refreshIntervalsBelowOneSecondAreRefused() {
        FeatureViewSpec base = spec(
                List.of(new EntitySpec("id", ValueType.INT64)), List.of(new FeatureSpec("x", ValueType.FLOAT64)), null);
        for (String interval : List.of("100ms", "999ms")) {
            FeatureView view = FeatureView.of(
                    "v",
                    new FeatureViewSpec(
                            base.store(), base.source(), base.entities(), base.features(), null, null, interval, null));
            assertThat(SpecValidator.validate(view))
                    .extracting(Violation::field)
                    .containsExactly("spec.refreshInterval");
        }
        FeatureView ok = FeatureView.of(
                "v",
                new FeatureViewSpec(
                        base.store(), base.source(), base.entities(), base.features(), null, null, "1s", null));
        assertThat(SpecValidator.validate(ok)).isEmpty();
    }
}
