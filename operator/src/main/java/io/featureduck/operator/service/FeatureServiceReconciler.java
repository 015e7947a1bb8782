package io.featureduck.operator.service;

import static io.featureduck.operator.status.StatusConditions.ACCEPTED;

import io.fabric8.kubernetes.api.model.Condition;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureServiceStatus;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.operator.dataplane.ServiceAssignment;
import io.featureduck.operator.dataplane.ViewAssignment;
import io.featureduck.operator.status.KubernetesEvents;
import io.featureduck.operator.status.Reason;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.status.StatusPatch;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resolves a FeatureService against the views its store serves and reports it: {@code Accepted} when the store exists
 * and every reference resolves (then the store's serving configuration carries it and clients may ask for it),
 * with the views and features it stands for. Reconciled again when the service, its store or one of the store's
 * views changes, as a view's features decide what {@code view:*} means.
 */
@ControllerConfiguration(name = FeatureServiceReconciler.NAME)
public final class FeatureServiceReconciler implements Reconciler<FeatureService> {
    public static final String NAME = "featureservice";

    private final KubernetesEvents events;
    private final Clock clock;
    private final boolean serverSideApply;
    /** The FeatureViews of the watched namespaces, whose cache answers what a store serves. */
    private InformerEventSource<FeatureView, FeatureService> views;

    public FeatureServiceReconciler(KubernetesEvents events, Clock clock, boolean serverSideApply) {
        this.events = events;
        this.clock = clock;
        this.serverSideApply = serverSideApply;
    }

    @Override
    public List<EventSource<?, FeatureService>> prepareEventSources(EventSourceContext<FeatureService> context) {
        InformerEventSource<FeatureStore, FeatureService> stores = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FeatureStore.class, FeatureService.class)
                        .withSecondaryToPrimaryMapper((FeatureStore store) -> services(
                                context,
                                store.getMetadata().getNamespace(),
                                store.getMetadata().getName()))
                        .withPrimaryToSecondaryMapper((FeatureService service) -> store(service)
                                .map(name -> Set.of(new ResourceID(
                                        name, service.getMetadata().getNamespace())))
                                .orElse(Set.of()))
                        .withNamespacesInheritedFromController()
                        .build(),
                context);
        views = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FeatureView.class, FeatureService.class)
                        .withSecondaryToPrimaryMapper((FeatureView view) -> view.getSpec() == null
                                ? Set.of()
                                : services(
                                        context,
                                        view.getMetadata().getNamespace(),
                                        view.getSpec().store()))
                        .withNamespacesInheritedFromController()
                        .build(),
                context);
        return List.of(stores, views);
    }

    private static Set<ResourceID> services(
            EventSourceContext<FeatureService> context, String namespace, String store) {
        return context.getPrimaryCache()
                .list(namespace, service -> Objects.equals(store(service).orElse(null), store))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    private static Optional<String> store(FeatureService service) {
        return Optional.ofNullable(service.getSpec()).map(spec -> spec.store());
    }

    @Override
    public UpdateControl<FeatureService> reconcile(FeatureService service, Context<FeatureService> context) {
        FeatureServiceStatus before = service.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        Long generation = service.getMetadata().getGeneration();
        StatusConditions conditions = new StatusConditions(previous, generation, clock);
        Optional<FeatureStore> store = context.getSecondaryResource(FeatureStore.class);
        FeatureServiceStatus after;
        if (store.isEmpty()) {
            String message = "FeatureStore '" + store(service).orElse("") + "' does not exist in namespace '"
                    + service.getMetadata().getNamespace() + "'; create it or correct spec.store";
            after = new FeatureServiceStatus(
                    generation,
                    conditions
                            .set(ACCEPTED, false, Reason.STORE_NOT_FOUND, message)
                            .build(),
                    null,
                    null,
                    null);
        } else {
            // The views the store serves decide the resolution; read from the informer's cache, not the API server.
            ServiceAssignment.Resolution resolution = ServiceAssignment.resolution(
                    ViewAssignment.admit(
                            store.get(),
                            views.list(service.getMetadata().getNamespace(), view -> true)
                                    .toList(),
                            List.of(service)),
                    service);
            if (resolution.resolved()) {
                List<String> views = resolution.features().stream()
                        .map(f -> f.substring(0, f.indexOf(':')))
                        .distinct()
                        .sorted()
                        .toList();
                after = new FeatureServiceStatus(
                        generation,
                        conditions
                                .set(
                                        ACCEPTED,
                                        true,
                                        Reason.RESOLVED,
                                        resolution.features().size() + " features of " + views.size()
                                                + (views.size() == 1 ? " view" : " views")
                                                + ", served by FeatureStore '"
                                                + store.get().getMetadata().getName() + "'")
                                .build(),
                        views,
                        resolution.features(),
                        resolution.features().size());
            } else {
                after = new FeatureServiceStatus(
                        generation,
                        conditions
                                .set(ACCEPTED, false, Reason.UNRESOLVED, resolution.problem())
                                .build(),
                        null,
                        null,
                        null);
            }
        }
        announce(service, before, after);
        return Objects.equals(before, after)
                ? UpdateControl.noUpdate()
                // The resolved lists shrink when a view loses features: written so that cannot corrupt them.
                : StatusPatch.write(service, after, FeatureService::new, context, serverSideApply);
    }

    private void announce(FeatureService service, FeatureServiceStatus before, FeatureServiceStatus after) {
        List<Condition> old = before == null ? List.of() : before.conditions();
        if (!StatusConditions.changed(old, after.conditions(), ACCEPTED)) {
            return;
        }
        Condition now = StatusConditions.find(after.conditions(), ACCEPTED).orElseThrow();
        boolean good = StatusConditions.TRUE.equals(now.getStatus());
        events.record(
                service, good ? KubernetesEvents.NORMAL : KubernetesEvents.WARNING, now.getReason(), now.getMessage());
    }
}
