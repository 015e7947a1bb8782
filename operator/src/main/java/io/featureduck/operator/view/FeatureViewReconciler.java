package io.featureduck.operator.view;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewStatus;
import io.featureduck.crds.TableFormat;
import io.featureduck.operator.DataPlaneNames;
import io.featureduck.operator.KubernetesEvents;
import io.featureduck.operator.OperatorSettings;
import io.featureduck.operator.StatusConditions;
import io.featureduck.operator.ViewAssignment;
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
 * Checks a FeatureView against its store ({@code Accepted}) and reports what the store's data plane serves of it
 * ({@code Ready}, {@code Degraded}, table version, rows, last refresh and error). The view's place in the store's
 * serving configuration is the FeatureStore reconciler's job; this one only observes and reports, and is reconciled
 * again when the view or its store changes, and every {@code FEATUREDUCK_STATUS_INTERVAL} to follow the data plane.
 */
@ControllerConfiguration(name = FeatureViewReconciler.NAME)
public final class FeatureViewReconciler implements Reconciler<FeatureView> {
    public static final String NAME = "featureview";
    public static final String ACCEPTED = "Accepted";
    public static final String READY = "Ready";
    public static final String DEGRADED = "Degraded";

    private final OperatorSettings settings;
    private final DataPlaneClient dataPlane;
    private final KubernetesEvents events;
    private final Clock clock;

    public FeatureViewReconciler(OperatorSettings settings, DataPlaneClient dataPlane, KubernetesEvents events,
                                 Clock clock) {
        this.settings = settings;
        this.dataPlane = dataPlane;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, FeatureView>> prepareEventSources(EventSourceContext<FeatureView> context) {
        // A store's creation or deletion changes whether its views are accepted.
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration.from(FeatureStore.class, FeatureView.class)
                .withSecondaryToPrimaryMapper((FeatureStore store) -> context.getPrimaryCache()
                        .list(view -> ViewAssignment.names(view, store))
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((FeatureView view) -> view.getSpec() == null || view.getSpec().store() == null
                        ? Set.of() : Set.of(new ResourceID(view.getSpec().store(), view.getMetadata().getNamespace())))
                .withNamespacesInheritedFromController()
                .build(), context));
    }

    @Override
    public UpdateControl<FeatureView> reconcile(FeatureView view, Context<FeatureView> context) {
        FeatureViewStatus before = view.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        Long generation = view.getMetadata().getGeneration();
        StatusConditions conditions = new StatusConditions(previous, generation, clock);
        Optional<FeatureStore> store = context.getSecondaryResource(FeatureStore.class);
        String problems = ViewAssignment.problems(view);
        String storeName = view.getSpec() == null ? null : view.getSpec().store();

        FeatureViewStatus after;
        if (!problems.isEmpty()) {
            conditions.set(ACCEPTED, false, "InvalidSpec", problems).set(READY, false, "InvalidSpec", problems)
                    .set(DEGRADED, false, "NotServed", "the view is not served");
            after = new FeatureViewStatus(generation, conditions.build(), null, null, null, null, null);
        } else if (store.isEmpty()) {
            String message = "FeatureStore '" + storeName + "' does not exist in namespace '"
                    + view.getMetadata().getNamespace() + "'; create it or correct spec.store";
            conditions.set(ACCEPTED, false, "StoreNotFound", message).set(READY, false, "StoreNotFound", message)
                    .set(DEGRADED, false, "NotServed", "the view is not served");
            after = new FeatureViewStatus(generation, conditions.build(), format(view, null), null, null, null, null);
        } else {
            conditions.set(ACCEPTED, true, "AssignedToStore", "served by FeatureStore '" + storeName + "'");
            after = servingState(view, store.get(), conditions, generation);
        }
        announce(view, before, after);
        UpdateControl<FeatureView> control = Objects.equals(before, after) ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(withStatus(view, after));
        return control.rescheduleAfter(settings.statusInterval());
    }

    private FeatureViewStatus servingState(FeatureView view, FeatureStore store, StatusConditions conditions,
                                           Long generation) {
        String url = settings.dataPlaneUrl(DataPlaneNames.dataPlane(store), store.getMetadata().getNamespace(),
                DataPlaneNames.HTTP_PORT);
        DataPlaneClient.ViewReport report = dataPlane.view(url, view.getMetadata().getName());
        String format = format(view, store);
        if (report instanceof DataPlaneClient.Served served) {
            boolean hasIndex = served.tableVersion().isPresent();
            switch (served.state()) {
                case "READY" -> conditions.set(READY, true, "Serving", "table version "
                        + served.tableVersion().map(String::valueOf).orElse("?") + ", "
                        + served.entities().map(String::valueOf).orElse("?") + " entities");
                case "OFFLINE" -> conditions.set(READY, true, "OfflineOnly",
                        "spec.online is false: served by historical retrieval only");
                case "FAILED" -> conditions.set(READY, false, "LoadFailed", served.lastError().orElse("load failed"));
                default -> conditions.set(READY, false, "Loading", "the data plane is loading the table");
            }
            if (hasIndex && served.lastError().isPresent()) {
                conditions.set(DEGRADED, true, "RefreshFailed", "serving table version " + served.tableVersion().get()
                        + " while the latest load failed: " + served.lastError().get());
            } else {
                conditions.set(DEGRADED, false, "AsExpected", "no load failures");
            }
            return new FeatureViewStatus(generation, conditions.build(), format, served.tableVersion().orElse(null),
                    served.entities().orElse(null), served.loadedAt().orElse(null), served.lastError().orElse(null));
        }
        if (report instanceof DataPlaneClient.NotServed) {
            conditions.set(READY, false, "WaitingForDataPlane", "the data plane at " + url + " does not serve this "
                    + "view yet; pods pick up the store's ConfigMap within about a minute");
        } else {
            conditions.set(READY, StatusConditions.UNKNOWN, "DataPlaneUnreachable",
                    ((DataPlaneClient.Unreachable) report).reason());
        }
        conditions.set(DEGRADED, false, "AsExpected", "no load failures reported");
        return new FeatureViewStatus(generation, conditions.build(), format, null, null, null, null);
    }

    private static String format(FeatureView view, FeatureStore store) {
        TableFormat format = view.getSpec().source() != null && view.getSpec().source().format() != null
                ? view.getSpec().source().format()
                : store == null || store.getSpec() == null || store.getSpec().lakehouse() == null ? null
                : store.getSpec().lakehouse().format();
        return format == null ? null : format.wireName();
    }

    private void announce(FeatureView view, FeatureViewStatus before, FeatureViewStatus after) {
        List<Condition> old = before == null ? List.of() : before.conditions();
        for (String type : List.of(ACCEPTED, READY, DEGRADED)) {
            if (!StatusConditions.changed(old, after.conditions(), type)) {
                continue;
            }
            Condition now = StatusConditions.find(after.conditions(), type).orElseThrow();
            boolean good = DEGRADED.equals(type) ? !StatusConditions.TRUE.equals(now.getStatus())
                    : StatusConditions.TRUE.equals(now.getStatus());
            if (good && DEGRADED.equals(type) && before == null) {
                continue;
            }
            events.record(view, good ? KubernetesEvents.NORMAL : KubernetesEvents.WARNING, now.getReason(),
                    now.getMessage());
        }
    }

    private static FeatureView withStatus(FeatureView view, FeatureViewStatus status) {
        FeatureView patch = new FeatureView();
        patch.setMetadata(new ObjectMetaBuilder().withName(view.getMetadata().getName())
                .withNamespace(view.getMetadata().getNamespace())
                .withResourceVersion(view.getMetadata().getResourceVersion()).build());
        patch.setStatus(status);
        return patch;
    }
}
