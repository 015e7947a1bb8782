package io.featureduck.dataplane.registry;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import feast.proto.core.DataFormatProto.FileFormat;
import feast.proto.core.DataSourceProto.DataSource;
import feast.proto.core.EntityProto.Entity;
import feast.proto.core.EntityProto.EntityMeta;
import feast.proto.core.EntityProto.EntitySpecV2;
import feast.proto.core.FeatureProto.FeatureSpecV2;
import feast.proto.core.FeatureReferenceProto.FeatureViewProjection;
import feast.proto.core.FeatureServiceProto.FeatureService;
import feast.proto.core.FeatureServiceProto.FeatureServiceMeta;
import feast.proto.core.FeatureServiceProto.FeatureServiceSpec;
import feast.proto.core.FeatureViewProto.FeatureView;
import feast.proto.core.FeatureViewProto.FeatureViewMeta;
import feast.proto.core.FeatureViewProto.FeatureViewSpec;
import feast.proto.core.FeatureViewProto.FeatureViewState;
import feast.proto.core.ProjectProto.Project;
import feast.proto.core.ProjectProto.ProjectMeta;
import feast.proto.core.ProjectProto.ProjectSpec;
import feast.proto.core.RegistryProto.Registry;
import feast.proto.types.ValueProto;
import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.FeatureServiceDefinition;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store's served definitions as Feast's registry protos, for one caller: the project is the store, each served view
 * a {@code FeatureView}, each join key an {@code Entity}, each view's table a {@code DataSource} and each served
 * feature service a {@code FeatureService}. Only what the caller's grant lets it describe is included, so a feature
 * service appears only when every view it reads does.
 *
 * <p>What Feast cannot express is mapped to the nearest thing it can read, and said in a tag (the mapping is in
 * {@code docs/FEAST.md}): an on-demand feature is a field of its view (its CEL expression is not a Feast transformation,
 * and the data plane evaluates it wherever the view is read), tagged with its expression; a date is a string, as the
 * serving API sends it; the table's format and whether the view is a snapshot are tags. A table's location is never
 * shown: Feast's clients read it only through the data plane, and the path is the operator's, not the caller's.
 */
public final class FeastDefinitions {
    /** Tag on an on-demand feature: its expression. */
    static final String ON_DEMAND_TAG = "featureduck.io/on-demand";
    /** Tags an aggregated feature with its function and window, e.g. {@code sum over 7d}. */
    static final String AGGREGATION_TAG = "featureduck.io/aggregation";
    /** Tag on a view's data source: its table format. */
    static final String FORMAT_TAG = "featureduck.io/format";
    /** Tag on a view: {@code true} when it has no event time (a snapshot of the table's latest rows). */
    static final String SNAPSHOT_TAG = "featureduck.io/snapshot";
    /** Tag on a view or feature service: why Feast sees less than FeatureDuck serves, when it does. */
    static final String REQUEST_DATA_TAG = "featureduck.io/request-data";

    private final ServingConfig config;
    private final Grant grant;
    private final Timestamp updated;

    /**
     * @param updated when this configuration was taken into service (Feast's created and last-updated times)
     */
    public FeastDefinitions(ServingConfig config, Grant grant, Instant updated) {
        this.config = config;
        this.grant = grant;
        this.updated = Timestamp.newBuilder()
                .setSeconds(updated.getEpochSecond())
                .setNanos(updated.getNano())
                .build();
    }

    /** The Feast project: the store. */
    public String project() {
        return config.store().getMetadata().getName();
    }

    public Project projectProto() {
        return Project.newBuilder()
                .setSpec(ProjectSpec.newBuilder()
                        .setName(project())
                        .setDescription("FeatureStore " + project() + ", served by FeatureDuck (read-only: "
                                + "definitions change through FeatureView and FeatureService resources)"))
                .setMeta(ProjectMeta.newBuilder().setCreatedTimestamp(updated).setLastUpdatedTimestamp(updated))
                .build();
    }

    /** The served views the caller may describe, in the store's order. */
    public List<ViewDefinition> views() {
        return config.views().stream().filter(v -> grant.allows(v.name())).toList();
    }

    public Optional<ViewDefinition> view(String name) {
        return views().stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public List<FeatureView> featureViews() {
        return views().stream().map(this::featureView).toList();
    }

    public FeatureView featureView(ViewDefinition view) {
        FeatureViewSpec.Builder spec = FeatureViewSpec.newBuilder()
                .setName(view.name())
                .setProject(project())
                .setOnline(view.online())
                .setOffline(true)
                .setBatchSource(dataSource(view));
        for (EntitySpec key : view.entities()) {
            spec.addEntities(key.name());
            spec.addEntityColumns(field(key.name(), key.type(), key.description()));
        }
        for (FeatureSpec feature : view.features()) {
            spec.addFeatures(field(feature.name(), feature.type(), feature.description()));
        }
        for (OnDemandFeature feature : view.onDemand()) {
            spec.addFeatures(field(feature.name(), feature.type(), null).toBuilder()
                    .putTags(ON_DEMAND_TAG, feature.expression()));
        }
        for (AggregatedFeature feature : view.aggregations().features()) {
            spec.addFeatures(aggregatedField(feature));
        }
        // Feast reads a zero ttl as "no limit", which is what a view without one means here too.
        view.ttl()
                .ifPresent(ttl -> spec.setTtl(Duration.newBuilder()
                        .setSeconds(ttl.getSeconds())
                        .setNanos(ttl.getNano())
                        .build()));
        if (view.isSnapshot()) {
            spec.putTags(SNAPSHOT_TAG, "true");
        }
        if (!view.requestData().isEmpty()) {
            spec.putTags(
                    REQUEST_DATA_TAG,
                    String.join(
                            ",",
                            view.requestData().stream()
                                    .map(field ->
                                            field.name() + ":" + field.type().wireName())
                                    .toList()));
        }
        return FeatureView.newBuilder()
                .setSpec(spec)
                .setMeta(FeatureViewMeta.newBuilder()
                        .setCreatedTimestamp(updated)
                        .setLastUpdatedTimestamp(updated)
                        .setState(FeatureViewState.AVAILABLE_ONLINE))
                .build();
    }

    /**
     * The view's table as a Feast file source named after the view. Its {@code uri} names the view, not the table's
     * location: Feast's clients never read it directly.
     */
    public DataSource dataSource(ViewDefinition view) {
        DataSource.Builder source = DataSource.newBuilder()
                .setName(view.name())
                .setProject(project())
                .setType(DataSource.SourceType.BATCH_FILE)
                .setDataSourceClassType("feast.infra.offline_stores.file_source.FileSource")
                .setFileOptions(DataSource.FileOptions.newBuilder()
                        .setFileFormat(FileFormat.newBuilder().setParquetFormat(FileFormat.ParquetFormat.newBuilder()))
                        .setUri("featureduck://" + project() + "/" + view.name()))
                .putTags(FORMAT_TAG, view.format().wireName());
        if (view.timestampColumn() != null) {
            source.setTimestampField(view.timestampColumn());
        }
        if (view.createdTimestampColumn() != null) {
            source.setCreatedTimestampColumn(view.createdTimestampColumn());
        }
        return source.build();
    }

    public List<DataSource> dataSources() {
        return views().stream().map(this::dataSource).toList();
    }

    /**
     * One entity per join key name among the views the caller may describe, typed as the first of them declares it.
     * Views of a store that name the same key with different types are one entity to Feast, which cannot say so.
     */
    public List<Entity> entities() {
        Map<String, EntitySpec> keys = new LinkedHashMap<>();
        for (ViewDefinition view : views()) {
            for (EntitySpec key : view.entities()) {
                keys.putIfAbsent(key.name(), key);
            }
        }
        List<Entity> entities = new ArrayList<>();
        for (EntitySpec key : keys.values()) {
            EntitySpecV2.Builder spec = EntitySpecV2.newBuilder()
                    .setName(key.name())
                    .setJoinKey(key.name())
                    .setProject(project())
                    .setValueType(valueType(key.type()));
            if (key.description() != null) {
                spec.setDescription(key.description());
            }
            entities.add(Entity.newBuilder()
                    .setSpec(spec)
                    .setMeta(
                            EntityMeta.newBuilder().setCreatedTimestamp(updated).setLastUpdatedTimestamp(updated))
                    .build());
        }
        return entities;
    }

    /** The served feature services whose every view the caller may describe. */
    public List<FeatureService> featureServices() {
        List<FeatureService> services = new ArrayList<>();
        for (FeatureServiceDefinition service : config.services()) {
            featureService(service).ifPresent(services::add);
        }
        return services;
    }

    /** The feature service, or empty when the caller may not describe every view it reads. */
    public Optional<FeatureService> featureService(FeatureServiceDefinition service) {
        Map<String, FeatureViewProjection.Builder> projections = new LinkedHashMap<>();
        for (FeatureRef ref : service.features()) {
            Optional<ViewDefinition> view = view(ref.view());
            if (view.isEmpty()) {
                return Optional.empty();
            }
            FeatureViewProjection.Builder projection = projections.computeIfAbsent(
                    ref.view(), name -> FeatureViewProjection.newBuilder().setFeatureViewName(name));
            projection.addFeatureColumns(servedField(view.get(), ref.feature()));
        }
        FeatureServiceSpec.Builder spec =
                FeatureServiceSpec.newBuilder().setName(service.name()).setProject(project());
        projections.values().forEach(spec::addFeatures);
        return Optional.of(FeatureService.newBuilder()
                .setSpec(spec)
                .setMeta(FeatureServiceMeta.newBuilder()
                        .setCreatedTimestamp(updated)
                        .setLastUpdatedTimestamp(updated))
                .build());
    }

    public Optional<FeatureServiceDefinition> serviceDefinition(String name) {
        return config.service(name);
    }

    /** Everything above in one message, as Feast's {@code Registry.Proto} call returns it. */
    public Registry registry() {
        return Registry.newBuilder()
                .addProjects(projectProto())
                .addAllEntities(entities())
                .addAllDataSources(dataSources())
                .addAllFeatureViews(featureViews())
                .addAllFeatureServices(featureServices())
                .setRegistrySchemaVersion("1")
                .setLastUpdated(updated)
                .build();
    }

    private static FeatureSpecV2 servedField(ViewDefinition view, String name) {
        Optional<FeatureSpec> stored = view.feature(name);
        if (stored.isPresent()) {
            return field(name, stored.get().type(), stored.get().description());
        }
        Optional<AggregatedFeature> aggregated = view.aggregations().feature(name);
        if (aggregated.isPresent()) {
            return aggregatedField(aggregated.get());
        }
        OnDemandFeature onDemand = view.onDemandFeature(name)
                .orElseThrow(() -> new IllegalStateException("feature service names " + view.name() + ":" + name
                        + ", which the view does not serve; admission resolves services against their views"));
        return field(name, onDemand.type(), null).toBuilder()
                .putTags(ON_DEMAND_TAG, onDemand.expression())
                .build();
    }

    private static FeatureSpecV2 aggregatedField(AggregatedFeature feature) {
        return field(feature.name(), feature.type(), null).toBuilder()
                .putTags(
                        AGGREGATION_TAG,
                        feature.function().wireName() + " over "
                                + feature.window().text())
                .build();
    }

    private static FeatureSpecV2 field(String name, ValueType type, String description) {
        FeatureSpecV2.Builder field = FeatureSpecV2.newBuilder().setName(name).setValueType(valueType(type));
        if (description != null) {
            field.setDescription(description);
        }
        return field.build();
    }

    /** Feast's type for ours, as the serving APIs send the values: a date is its ISO string. */
    static ValueProto.ValueType.Enum valueType(ValueType type) {
        return switch (type) {
            case STRING, DATE -> ValueProto.ValueType.Enum.STRING;
            case INT32 -> ValueProto.ValueType.Enum.INT32;
            case INT64 -> ValueProto.ValueType.Enum.INT64;
            case FLOAT32 -> ValueProto.ValueType.Enum.FLOAT;
            case FLOAT64 -> ValueProto.ValueType.Enum.DOUBLE;
            case BOOL -> ValueProto.ValueType.Enum.BOOL;
            case TIMESTAMP -> ValueProto.ValueType.Enum.UNIX_TIMESTAMP;
            case BYTES -> ValueProto.ValueType.Enum.BYTES;
            case STRING_LIST, DATE_LIST -> ValueProto.ValueType.Enum.STRING_LIST;
            case INT32_LIST -> ValueProto.ValueType.Enum.INT32_LIST;
            case INT64_LIST -> ValueProto.ValueType.Enum.INT64_LIST;
            case FLOAT32_LIST -> ValueProto.ValueType.Enum.FLOAT_LIST;
            case FLOAT64_LIST -> ValueProto.ValueType.Enum.DOUBLE_LIST;
            case BOOL_LIST -> ValueProto.ValueType.Enum.BOOL_LIST;
            case TIMESTAMP_LIST -> ValueProto.ValueType.Enum.UNIX_TIMESTAMP_LIST;
            case BYTES_LIST -> ValueProto.ValueType.Enum.BYTES_LIST;
        };
    }
}
