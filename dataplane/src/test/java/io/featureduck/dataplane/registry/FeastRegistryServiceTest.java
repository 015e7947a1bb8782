package io.featureduck.dataplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import feast.proto.core.DataSourceProto.DataSource;
import feast.proto.core.EntityProto.Entity;
import feast.proto.core.FeatureServiceProto.FeatureService;
import feast.proto.core.FeatureViewProto.FeatureView;
import feast.proto.core.RegistryProto.Registry;
import feast.proto.types.ValueProto.ValueType;
import feast.registry.RegistryServerOuterClass.GetFeatureViewRequest;
import feast.registry.RegistryServerOuterClass.ListFeatureServicesRequest;
import io.featureduck.dataplane.auth.AccessKind;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feast's registry protocol answered from a store's served definitions, for callers with all or some views. */
class FeastRegistryServiceTest {
    @TempDir
    static Path directory;

    static ServingConfig config;
    static final Instant LOADED = Instant.parse("2026-12-01T10:00:00Z");

    @BeforeAll
    static void load() throws Exception {
        Path file = directory.resolve("store.yaml");
        Files.writeString(file, """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: rides}
                spec:
                  lakehouse: {format: delta, root: lakehouse}
                  dataPlane: {auth: {type: none}}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: trips}
                spec:
                  store: rides
                  source: {path: trips, timestampColumn: ts, createdTimestampColumn: created}
                  entities: [{name: driver_id, type: int64, description: the driver}]
                  features:
                    - {name: fare, type: float32, description: last fare}
                    - {name: day, type: date}
                    - {name: tags, type: list<string>}
                  requestData: [{name: bonus, type: int64}]
                  onDemand: [{name: fare_plus, type: float64, expression: 'double(fare) + double(request.bonus)'}]
                  ttl: 2h
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: profile}
                spec:
                  store: rides
                  source: {path: profile, format: iceberg}
                  entities: [{name: driver_id, type: int64}]
                  features: [{name: rating, type: float64}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: zones}
                spec:
                  store: rides
                  source: {path: zones, timestampColumn: ts}
                  entities: [{name: zone, type: string}]
                  features: [{name: demand, type: int32}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureService
                metadata: {name: pricing}
                spec:
                  store: rides
                  features: ['trips:fare', 'trips:fare_plus', 'profile:*']
                """);
        config = new ServingConfigLoader().load(file);
    }

    private static FeastRegistryService service() {
        return new FeastRegistryService(() -> config, Clock.fixed(LOADED, ZoneOffset.UTC));
    }

    private static Map<String, FeastRegistryService.Method> methods() {
        return service().methods().stream()
                .collect(Collectors.toMap(FeastRegistryService.Method::name, Function.identity()));
    }

    private static Message call(String method, Message request, Grant grant) throws Exception {
        FeastRegistryService.Method answer = methods().get(method);
        DynamicMessage dynamic = DynamicMessage.parseFrom(answer.input(), request.toByteString());
        return answer.answer().apply(dynamic, grant);
    }

    private static Grant all() {
        return Grant.everything("test", AccessKind.DESCRIBE);
    }

    @Test
    void everyMethodOfFeastsServiceIsAnswered() {
        assertThat(methods().keySet())
                .containsExactlyInAnyOrderElementsOf(FeastRegistryService.SERVICE.getMethods().stream()
                        .map(MethodDescriptor::getName)
                        .toList())
                .hasSizeGreaterThan(50);
    }

    @Test
    void theRegistryHoldsTheStoresDefinitionsAsFeastExpressesThem() throws Exception {
        Registry registry = (Registry) call("Proto", com.google.protobuf.Empty.getDefaultInstance(), all());
        assertThat(registry.getProjectsList())
                .singleElement()
                .satisfies(p -> assertThat(p.getSpec().getName()).isEqualTo("rides"));
        assertThat(registry.getLastUpdated().getSeconds()).isEqualTo(LOADED.getEpochSecond());
        // One entity per join key name, typed; views that share a key share the entity.
        assertThat(registry.getEntitiesList())
                .extracting(e -> e.getSpec().getName() + ":" + e.getSpec().getJoinKey() + ":"
                        + e.getSpec().getValueType())
                .containsExactly("driver_id:driver_id:INT64", "zone:zone:STRING");
        assertThat(registry.getEntities(0).getSpec().getDescription()).isEqualTo("the driver");

        FeatureView trips = registry.getFeatureViews(0);
        assertThat(trips.getSpec().getName()).isEqualTo("trips");
        assertThat(trips.getSpec().getEntitiesList()).containsExactly("driver_id");
        assertThat(trips.getSpec().getEntityColumnsList())
                .extracting(f -> f.getName() + ":" + f.getValueType())
                .containsExactly("driver_id:INT64");
        assertThat(trips.getSpec().getFeaturesList())
                .extracting(f -> f.getName() + ":" + f.getValueType())
                .containsExactly("fare:FLOAT", "day:STRING", "tags:STRING_LIST", "fare_plus:DOUBLE");
        assertThat(trips.getSpec().getFeatures(3).getTagsMap())
                .containsEntry(FeastDefinitions.ON_DEMAND_TAG, "double(fare) + double(request.bonus)");
        assertThat(trips.getSpec().getTagsMap()).containsEntry(FeastDefinitions.REQUEST_DATA_TAG, "bonus:int64");
        assertThat(trips.getSpec().getTtl().getSeconds()).isEqualTo(7200);
        assertThat(trips.getSpec().getOnline()).isTrue();
        DataSource source = trips.getSpec().getBatchSource();
        assertThat(source.getName()).isEqualTo("trips");
        assertThat(source.getTimestampField()).isEqualTo("ts");
        assertThat(source.getCreatedTimestampColumn()).isEqualTo("created");
        assertThat(source.getTagsMap()).containsEntry(FeastDefinitions.FORMAT_TAG, "delta");
        // The table's location is not the caller's business, and would leak the pod's paths.
        assertThat(source.getFileOptions().getUri()).isEqualTo("featureduck://rides/trips");
        assertThat(registry.toString()).doesNotContain(directory.toString());

        FeatureView profile = registry.getFeatureViews(1);
        assertThat(profile.getSpec().getTagsMap()).containsEntry(FeastDefinitions.SNAPSHOT_TAG, "true");
        assertThat(profile.getSpec().hasTtl())
                .as("no TTL: Feast's zero, no limit")
                .isFalse();
        assertThat(profile.getSpec().getBatchSource().getTimestampField()).isEmpty();

        FeatureService pricing = registry.getFeatureServices(0);
        assertThat(pricing.getSpec().getFeaturesList())
                .extracting(p -> p.getFeatureViewName() + ":"
                        + p.getFeatureColumnsList().stream()
                                .map(f -> f.getName())
                                .toList())
                .containsExactly("trips:[fare, fare_plus]", "profile:[rating]");
    }

    @Test
    void aCallerSeesOnlyTheViewsItMayDescribeAndServicesOverThem() throws Exception {
        Grant some = Grant.only("reader", AccessKind.DESCRIBE, Set.of("trips", "zones"));
        Registry registry = (Registry) call("Proto", com.google.protobuf.Empty.getDefaultInstance(), some);
        assertThat(registry.getFeatureViewsList())
                .extracting(v -> v.getSpec().getName())
                .containsExactly("trips", "zones");
        assertThat(registry.getFeatureServicesList())
                .as("pricing reads profile")
                .isEmpty();
        assertThatThrownBy(() -> call(
                        "GetFeatureView",
                        GetFeatureViewRequest.newBuilder()
                                .setName("profile")
                                .setProject("rides")
                                .build(),
                        some))
                .isInstanceOfSatisfying(RegistryObjectNotFound.class, e -> {
                    assertThat(e.feastClass()).isEqualTo("FeatureViewNotFoundException");
                    assertThat(e.getMessage()).contains("'profile' does not exist in project 'rides'");
                });
        Message services = call(
                "ListFeatureServices",
                ListFeatureServicesRequest.newBuilder()
                        .setProject("rides")
                        .setFeatureView("trips")
                        .build(),
                all());
        assertThat(services.toString()).contains("pricing");
    }

    @Test
    void writesAreRefusedNamingTheResourcesThatDefine() {
        for (String write :
                List.of("ApplyEntity", "DeleteFeatureView", "ApplyFeatureService", "Commit", "UpdateInfra")) {
            FeastRegistryService.Method method = methods().get(write);
            assertThatThrownBy(() -> method.answer().apply(DynamicMessage.getDefaultInstance(method.input()), all()))
                    .as(write)
                    .isInstanceOfSatisfying(FeatureDuckException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
                        assertThat(e.getMessage()).contains(write, "read-only", "FeatureView");
                    });
        }
    }

    @Test
    void anotherProjectIsRefusedNamingTheServedOne() {
        assertThatThrownBy(() -> call(
                        "GetFeatureView",
                        GetFeatureViewRequest.newBuilder()
                                .setName("trips")
                                .setProject("drivers")
                                .build(),
                        all()))
                .isInstanceOfSatisfying(RegistryObjectNotFound.class, e -> {
                    assertThat(e.feastClass()).isEqualTo("ProjectObjectNotFoundException");
                    assertThat(e.getMessage()).contains("project 'drivers'", "project: rides");
                });
    }

    @Test
    void kindsFeatureDuckHasNoneOfAreEmptyAndNeverFound() throws Exception {
        FeastRegistryService.Method list = methods().get("ListStreamFeatureViews");
        assertThat(list.answer()
                        .apply(DynamicMessage.getDefaultInstance(list.input()), all())
                        .getAllFields())
                .isEmpty();
        FeastRegistryService.Method get = methods().get("GetOnDemandFeatureView");
        assertThatThrownBy(() -> get.answer().apply(DynamicMessage.getDefaultInstance(get.input()), all()))
                .isInstanceOfSatisfying(
                        RegistryObjectNotFound.class,
                        e -> assertThat(e.feastClass()).isEqualTo("OnDemandFeatureViewNotFoundException"));
        Entity entity = (Entity) call(
                "GetEntity",
                feast.registry.RegistryServerOuterClass.GetEntityRequest.newBuilder()
                        .setName("zone")
                        .build(),
                all());
        assertThat(entity.getSpec().getValueType()).isEqualTo(ValueType.Enum.STRING);
    }
}
