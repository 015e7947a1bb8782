package io.featureduck.dataplane.registry;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import feast.proto.core.FeatureServiceProto.FeatureService;
import feast.proto.core.FeatureViewProto.FeatureView;
import feast.registry.RegistryServerOuterClass;
import feast.registry.RegistryServerOuterClass.AnyFeatureView;
import feast.registry.RegistryServerOuterClass.GetAnyFeatureViewResponse;
import feast.registry.RegistryServerOuterClass.ListAllFeatureViewsResponse;
import feast.registry.RegistryServerOuterClass.ListDataSourcesResponse;
import feast.registry.RegistryServerOuterClass.ListEntitiesResponse;
import feast.registry.RegistryServerOuterClass.ListFeatureServicesResponse;
import feast.registry.RegistryServerOuterClass.ListFeatureViewsResponse;
import feast.registry.RegistryServerOuterClass.ListProjectsResponse;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Feast's registry protocol ({@code feast.registry.RegistryServer}, what {@code feast serve_registry} offers and a
 * {@code registry_type: remote} client calls), read-only and answered from the served configuration
 * ({@link FeastDefinitions}), so that a Feast user needs no Python definitions of their own.
 *
 * <p>Every method of the service is answered: the reads of the objects FeatureDuck has; empty lists for the kinds it
 * has none of (stream and on-demand feature views, saved datasets, permissions, ...) and "not found" for getting one;
 * {@code Refresh} as a no-op (each call reads the current configuration); and every write ({@code Apply*},
 * {@code Delete*}, {@code Commit}, ...) refused, naming the resources where definitions change. A request for another
 * project is refused rather than answered empty, which a wrong {@code project:} in {@code feature_store.yaml} would
 * otherwise look like.
 */
public final class FeastRegistryService {
    /** The service as Feast's proto declares it. */
    public static final ServiceDescriptor SERVICE =
            RegistryServerOuterClass.getDescriptor().findServiceByName("RegistryServer");

    private static final Set<String> WRITE_PREFIXES = Set.of("Apply", "Delete", "Update", "Commit", "CreateDataset");

    /** One method of the service: its request type and how it is answered. */
    public record Method(String name, Descriptor input, BiFunction<DynamicMessage, Grant, Message> answer) {}

    private final Supplier<ServingConfig> config;
    private final Clock clock;
    private ServingConfig seen;
    private Instant updated;

    public FeastRegistryService(Supplier<ServingConfig> config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Every method of {@link #SERVICE}, each with its answer. */
    public List<Method> methods() {
        Map<String, Function<Call, Message>> reads = Map.ofEntries(
                Map.entry("GetProject", call -> call.definitions().projectProto()),
                Map.entry(
                        "ListProjects",
                        call -> ListProjectsResponse.newBuilder()
                                .addProjects(call.definitions().projectProto())
                                .build()),
                Map.entry("Proto", call -> call.definitions().registry()),
                Map.entry(
                        "ListEntities",
                        call -> ListEntitiesResponse.newBuilder()
                                .addAllEntities(call.definitions().entities())
                                .build()),
                Map.entry(
                        "GetEntity",
                        call -> call.definitions().entities().stream()
                                .filter(e -> e.getSpec().getName().equals(call.name()))
                                .findFirst()
                                .orElseThrow(() -> call.notFound(RegistryObject.ENTITY))),
                Map.entry(
                        "ListDataSources",
                        call -> ListDataSourcesResponse.newBuilder()
                                .addAllDataSources(call.definitions().dataSources())
                                .build()),
                Map.entry(
                        "GetDataSource",
                        call -> call.definitions()
                                .view(call.name())
                                .map(call.definitions()::dataSource)
                                .orElseThrow(() -> call.notFound(RegistryObject.DATA_SOURCE))),
                Map.entry(
                        "ListFeatureViews",
                        call -> ListFeatureViewsResponse.newBuilder()
                                .addAllFeatureViews(call.definitions().featureViews())
                                .build()),
                Map.entry("GetFeatureView", call -> featureView(call)),
                Map.entry(
                        "GetAnyFeatureView",
                        call -> GetAnyFeatureViewResponse.newBuilder()
                                .setAnyFeatureView(AnyFeatureView.newBuilder().setFeatureView(featureView(call)))
                                .build()),
                Map.entry("ListAllFeatureViews", FeastRegistryService::allFeatureViews),
                Map.entry("ListFeatureServices", FeastRegistryService::featureServices),
                Map.entry("GetFeatureService", FeastRegistryService::featureService),
                Map.entry("Refresh", call -> com.google.protobuf.Empty.getDefaultInstance()));
        Map<String, RegistryObject> absentKinds = Map.of(
                "GetOnDemandFeatureView", RegistryObject.ON_DEMAND_FEATURE_VIEW,
                "GetStreamFeatureView", RegistryObject.STREAM_FEATURE_VIEW,
                "GetLabelView", RegistryObject.LABEL_VIEW,
                "GetSavedDataset", RegistryObject.SAVED_DATASET,
                "GetValidationReference", RegistryObject.VALIDATION_REFERENCE,
                "GetPermission", RegistryObject.PERMISSION);
        List<Method> methods = new ArrayList<>();
        for (MethodDescriptor method : SERVICE.getMethods()) {
            String name = method.getName();
            Function<Call, Message> answer;
            if (WRITE_PREFIXES.stream().anyMatch(name::startsWith)) {
                answer = call -> {
                    throw readOnly(name);
                };
            } else if (reads.containsKey(name)) {
                answer = reads.get(name);
            } else if (absentKinds.containsKey(name)) {
                RegistryObject kind = absentKinds.get(name);
                answer = call -> {
                    throw call.notFound(kind);
                };
            } else {
                // A list of a kind FeatureDuck has none of, or a view over nothing (lineage, relationships): the empty
                // answer is the true one.
                Descriptor output = method.getOutputType();
                answer = call -> DynamicMessage.getDefaultInstance(output);
            }
            methods.add(
                    new Method(name, method.getInputType(), (request, grant) -> answer.apply(call(request, grant))));
        }
        return methods;
    }

    private static FeatureView featureView(Call call) {
        return call.definitions()
                .view(call.name())
                .map(call.definitions()::featureView)
                .orElseThrow(() -> call.notFound(RegistryObject.FEATURE_VIEW));
    }

    private static Message allFeatureViews(Call call) {
        return ListAllFeatureViewsResponse.newBuilder()
                .addAllFeatureViews(call.definitions().featureViews().stream()
                        .map(view ->
                                AnyFeatureView.newBuilder().setFeatureView(view).build())
                        .toList())
                .build();
    }

    private static Message featureServices(Call call) {
        String view = call.text("feature_view");
        List<FeatureService> services = call.definitions().featureServices().stream()
                .filter(s -> view.isEmpty()
                        || s.getSpec().getFeaturesList().stream()
                                .anyMatch(p -> p.getFeatureViewName().equals(view)))
                .toList();
        return ListFeatureServicesResponse.newBuilder()
                .addAllFeatureServices(services)
                .build();
    }

    private static Message featureService(Call call) {
        return call.definitions()
                .serviceDefinition(call.name())
                .flatMap(call.definitions()::featureService)
                .orElseThrow(() -> call.notFound(RegistryObject.FEATURE_SERVICE));
    }

    private static FeatureDuckException readOnly(String method) {
        return new FeatureDuckException(
                ErrorCode.METHOD_NOT_ALLOWED,
                "this registry is read-only (" + method + " refused): definitions change through the FeatureView, "
                        + "FeatureService and FeatureStore resources (kubectl apply or GitOps), or the serving file "
                        + "of `featureduck serve -f`; `feast apply` cannot change them");
    }

    /** A request: the definitions its caller may see, its name and project fields. */
    private Call call(DynamicMessage request, Grant grant) {
        FeastDefinitions definitions = new FeastDefinitions(current(), grant, updated());
        Call call = new Call(request, definitions);
        String project = call.text("project");
        if (!project.isEmpty() && !project.equals(definitions.project())) {
            throw new RegistryObjectNotFound(
                    RegistryObject.PROJECT,
                    "project '" + project + "' is not served here; this data plane serves project '"
                            + definitions.project() + "' (set `project: " + definitions.project()
                            + "` in feature_store.yaml)");
        }
        if (request.getDescriptorForType().getName().equals("GetProjectRequest")
                && !call.name().equals(definitions.project())) {
            throw call.notFound(RegistryObject.PROJECT);
        }
        return call;
    }

    private synchronized ServingConfig current() {
        ServingConfig now = config.get();
        if (now != seen) {
            seen = now;
            updated = clock.instant();
        }
        return now;
    }

    private synchronized Instant updated() {
        return updated;
    }

    private record Call(DynamicMessage request, FeastDefinitions definitions) {
        String name() {
            return text("name");
        }

        String text(String field) {
            FieldDescriptor descriptor = request.getDescriptorForType().findFieldByName(field);
            return descriptor == null ? "" : (String) request.getField(descriptor);
        }

        RegistryObjectNotFound notFound(RegistryObject kind) {
            return new RegistryObjectNotFound(
                    kind,
                    kind.label() + " '" + name() + "' does not exist in project '" + definitions.project() + "'"
                            + Optional.ofNullable(kind.hint())
                                    .map(hint -> "; " + hint)
                                    .orElse(""));
        }
    }
}
