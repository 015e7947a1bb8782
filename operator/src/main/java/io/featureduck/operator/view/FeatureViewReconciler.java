package io.featureduck.operator.view;

import io.featureduck.operator.dataplane.DataPlaneClient;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewStatus;
import io.featureduck.crds.TableFormat;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.status.KubernetesEvents;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.dataplane.ViewAssignment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.featureduck.crds.report.ViewState;
import java.time.Clock;

import static io.featureduck.operator.status.StatusConditions.ACCEPTED;
import static io.featureduck.operator.status.StatusConditions.DEGRADED;
import static io.featureduck.operator.status.StatusConditions.READY;
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
            after = servingState(view, store.get(), conditions, generation, context);
        }
        announce(view, before, after);
        UpdateControl<FeatureView> control = Objects.equals(before, after) ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(withStatus(view, after));
        return control.rescheduleAfter(settings.statusInterval());
    }

    /**
     * What the store's data plane serves of the view, asked of every ready pod (or of the one configured URL). The
     * status reports the oldest table version any pod serves, and is Ready only when every pod serves the view.
     */
    private FeatureViewStatus servingState(FeatureView view, FeatureStore store, StatusConditions conditions,
                                           Long generation, Context<FeatureView> context) {
        String format = format(view, store);
        List<String> urls;
        if (settings.addressesPods()) {
            urls = context.getClient().pods().inNamespace(store.getMetadata().getNamespace())
                    .withLabels(DataPlaneNames.selector(store)).list().getItems().stream()
                    .filter(FeatureViewReconciler::ready)
                    .map(pod -> settings.podUrl(pod.getStatus().getPodIP(), DataPlaneNames.HTTP_PORT)).sorted().toList();
            if (urls.isEmpty()) {
                conditions.set(READY, false, "NoReadyPods", "no data-plane pod of FeatureStore '"
                        + store.getMetadata().getName() + "' is ready yet");
                conditions.set(DEGRADED, false, "AsExpected", "no load failures reported");
                return new FeatureViewStatus(generation, conditions.build(), format, null, null, null, null);
            }
        } else {
            urls = List.of(settings.dataPlaneUrl(DataPlaneNames.dataPlane(store), store.getMetadata().getNamespace(),
                    DataPlaneNames.HTTP_PORT));
        }
        List<DataPlaneClient.Answer> reports = urls.stream()
                .map(url -> dataPlane.view(url, view.getMetadata().getName())).toList();
        String pods = urls.size() == 1 ? "the data plane" : urls.size() + " data-plane pods";

        Optional<DataPlaneClient.Unreachable> unreachable = reports.stream()
                .filter(DataPlaneClient.Unreachable.class::isInstance).map(DataPlaneClient.Unreachable.class::cast)
                .findFirst();
        long notServing = reports.stream().filter(DataPlaneClient.NotServed.class::isInstance).count();
        List<DataPlaneClient.Served> served = reports.stream().filter(DataPlaneClient.Served.class::isInstance)
                .map(DataPlaneClient.Served.class::cast).toList();
        if (unreachable.isPresent()) {
            conditions.set(READY, StatusConditions.UNKNOWN, "DataPlaneUnreachable", unreachable.get().reason());
        } else if (notServing > 0) {
            conditions.set(READY, false, "WaitingForDataPlane", notServing + " of " + urls.size() + " data-plane "
                    + "pods do not serve this view yet; pods pick up the store's ConfigMap within about a minute");
        } else if (served.stream().anyMatch(r -> r.state() == ViewState.FAILED)) {
            conditions.set(READY, false, "LoadFailed", served.stream().filter(r -> r.state() == ViewState.FAILED)
                    .findFirst().flatMap(DataPlaneClient.Served::lastError).orElse("load failed"));
        } else if (served.stream().allMatch(r -> r.state() == ViewState.OFFLINE)) {
            conditions.set(READY, true, "OfflineOnly", "spec.online is false: served by historical retrieval only");
        } else if (served.stream().allMatch(r -> r.state() == ViewState.READY)) {
            DataPlaneClient.Served oldest = oldest(served);
            conditions.set(READY, true, "Serving", pods + " serve table version "
                    + oldest.tableVersion().map(String::valueOf).orElse("?") + (served.stream()
                    .map(DataPlaneClient.Served::tableVersion).distinct().count() > 1 ? " or newer" : "") + ", "
                    + oldest.entities().map(String::valueOf).orElse("?") + " entities");
        } else {
            conditions.set(READY, false, "Loading", pods + " are loading the table");
        }
        Optional<DataPlaneClient.Served> failedRefresh = served.stream()
                .filter(r -> r.tableVersion().isPresent() && r.lastError().isPresent()).findFirst();
        if (failedRefresh.isPresent()) {
            conditions.set(DEGRADED, true, "RefreshFailed", "serving table version "
                    + failedRefresh.get().tableVersion().get() + " while the latest load failed: "
                    + failedRefresh.get().lastError().get());
        } else {
            conditions.set(DEGRADED, false, "AsExpected", "no load failures");
        }
        if (served.isEmpty()) {
            return new FeatureViewStatus(generation, conditions.build(), format, null, null, null, null);
        }
        DataPlaneClient.Served oldest = oldest(served);
        String lastError = served.stream().map(DataPlaneClient.Served::lastError).flatMap(Optional::stream)
                .findFirst().orElse(null);
        return new FeatureViewStatus(generation, conditions.build(), format, oldest.tableVersion().orElse(null),
                oldest.entities().orElse(null), oldest.loadedAt().orElse(null), lastError);
    }

    /** The report of the pod serving the oldest table version (a pod without an index counts as oldest). */
    private static DataPlaneClient.Served oldest(List<DataPlaneClient.Served> served) {
        return served.stream().min(java.util.Comparator.comparingLong(r -> r.tableVersion().orElse(Long.MIN_VALUE)))
                .orElseThrow();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                && pod.getMetadata().getDeletionTimestamp() == null;
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
