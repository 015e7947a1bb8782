package io.featureduck.operator.view;

import static io.featureduck.operator.status.StatusConditions.ACCEPTED;
import static io.featureduck.operator.status.StatusConditions.DEGRADED;
import static io.featureduck.operator.status.StatusConditions.PROGRESSING;
import static io.featureduck.operator.status.StatusConditions.READY;

import io.fabric8.kubernetes.api.model.Condition;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewStatus;
import io.featureduck.crds.SpecValidator;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.TablePin;
import io.featureduck.crds.admission.Admission;
import io.featureduck.crds.admission.AdmittedView;
import io.featureduck.crds.admission.StoreAdmission;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneObserver;
import io.featureduck.operator.dataplane.DataPlaneReports;
import io.featureduck.operator.dataplane.ServingObservation;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a FeatureView against its store ({@code Accepted}) and reports what the store's data plane serves of it
 * ({@code Ready}, {@code Degraded}, table version, rows, last refresh and error). The view's place in the store's
 * serving configuration is the FeatureStore reconciler's job; this one only reports, from what
 * {@link DataPlaneObserver} saw of the data plane (polled every {@code FEATUREDUCK_STATUS_INTERVAL}, outside
 * reconcile), and is reconciled again when the view, its store, its store's pods or the observation change.
 */
@ControllerConfiguration(name = FeatureViewReconciler.NAME)
public final class FeatureViewReconciler implements Reconciler<FeatureView> {
    public static final String NAME = "featureview";

    private final OperatorSettings settings;
    private final DataPlaneReports reports;
    private final KubernetesEvents events;
    private final Clock clock;

    public FeatureViewReconciler(
            OperatorSettings settings, DataPlaneReports reports, KubernetesEvents events, Clock clock) {
        this.settings = settings;
        this.reports = reports;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, FeatureView>> prepareEventSources(EventSourceContext<FeatureView> context) {
        List<EventSource<?, FeatureView>> sources = new ArrayList<>();
        // A store's creation or deletion changes whether its views are accepted.
        sources.add(new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FeatureStore.class, FeatureView.class)
                        .withSecondaryToPrimaryMapper((FeatureStore store) -> context.getPrimaryCache()
                                .list(view -> ViewAssignment.names(view, store))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper(ViewAssignment::storeOf)
                        .withNamespacesInheritedFromController()
                        .build(),
                context));
        // What the data plane serves, observed outside reconcile.
        sources.addAll(new DataPlaneObserver(context, settings, reports).eventSources());
        return sources;
    }

    @Override
    public UpdateControl<FeatureView> reconcile(FeatureView view, Context<FeatureView> context) {
        FeatureViewStatus before = view.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        Long generation = view.getMetadata().getGeneration();
        StatusConditions conditions = new StatusConditions(previous, generation, clock);
        Optional<FeatureStore> store = context.getSecondaryResource(FeatureStore.class);
        String storeName = view.getSpec() == null ? null : view.getSpec().store();
        Optional<Admission> admission = store.map(s -> ViewAssignment.admit(s, viewsOf(s, view, context), List.of()));
        String problems = admission
                .map(a -> a.refusedViews().getOrDefault(view.getMetadata().getName(), ""))
                .orElseGet(() -> StoreAdmission.describe(SpecValidator.validate(view)));

        FeatureViewStatus after;
        if (!problems.isEmpty()) {
            conditions
                    .set(ACCEPTED, false, Reason.INVALID_SPEC, problems)
                    .set(READY, false, Reason.INVALID_SPEC, problems)
                    .set(DEGRADED, false, Reason.NOT_SERVED, "the view is not served")
                    .set(PROGRESSING, false, Reason.NOT_SERVED, "the view is not served");
            after = FeatureViewStatus.builder(generation, conditions.build()).build();
        } else if (store.isEmpty() || !admission.get().storeAccepted()) {
            String message = store.isEmpty()
                    ? "FeatureStore '" + storeName + "' does not exist in namespace '"
                            + view.getMetadata().getNamespace() + "'; create it or correct spec.store"
                    : "FeatureStore '" + storeName + "' is refused: "
                            + String.join("; ", admission.get().storeProblems());
            Reason reason = store.isEmpty() ? Reason.STORE_NOT_FOUND : Reason.STORE_REFUSED;
            conditions
                    .set(ACCEPTED, false, reason, message)
                    .set(READY, false, reason, message)
                    .set(DEGRADED, false, Reason.NOT_SERVED, "the view is not served")
                    .set(PROGRESSING, false, Reason.NOT_SERVED, "the view is not served");
            after = FeatureViewStatus.builder(generation, conditions.build())
                    .format(format(view, null))
                    .build();
        } else {
            Optional<String> noPushes = admission.get().views().stream()
                    .filter(v -> v.name().equals(view.getMetadata().getName()))
                    .findFirst()
                    .flatMap(AdmittedView::push)
                    .flatMap(AdmittedView.PushClaim::refusal);
            conditions.set(
                    ACCEPTED,
                    true,
                    Reason.ASSIGNED_TO_STORE,
                    "served by FeatureStore '" + storeName + "'"
                            + noPushes.map(reason -> "; takes no pushes: " + reason)
                                    .orElse(""));
            String wantedPin =
                    TablePin.of(view.getSpec().source()).map(TablePin::describe).orElse(null);
            ServingConditions.Serving serving = ServingConditions.of(
                    context.getSecondaryResource(ServingObservation.class).orElseGet(ServingObservation::noReadyPods),
                    storeName,
                    wantedPin);
            conditions.set(
                    READY,
                    serving.ready().status(),
                    serving.ready().reason(),
                    serving.ready().message());
            conditions.set(
                    DEGRADED,
                    serving.degraded().status(),
                    serving.degraded().reason(),
                    serving.degraded().message());
            conditions.set(
                    PROGRESSING,
                    serving.progressing().status(),
                    serving.progressing().reason(),
                    serving.progressing().message());
            after = FeatureViewStatus.builder(generation, conditions.build())
                    .format(format(view, store.get()))
                    .tableVersion(serving.tableVersion())
                    .rows(serving.rows())
                    .lastRefresh(serving.lastRefresh())
                    .lastError(serving.lastError())
                    .pinned(serving.pinned())
                    .build();
        }
        announce(view, before, after);
        return Objects.equals(before, after)
                ? UpdateControl.noUpdate()
                : StatusPatch.write(view, after, FeatureView::new, context, settings.serverSideApply());
    }

    /** The store's views as the informer has them, with this reconcile's copy of {@code view}. */
    private static List<FeatureView> viewsOf(FeatureStore store, FeatureView view, Context<FeatureView> context) {
        List<FeatureView> views = new ArrayList<>(context.getPrimaryCache()
                .list(
                        view.getMetadata().getNamespace(),
                        v -> ViewAssignment.names(v, store)
                                && !v.getMetadata()
                                        .getName()
                                        .equals(view.getMetadata().getName()))
                .toList());
        views.add(view);
        return views;
    }

    private static String format(FeatureView view, FeatureStore store) {
        TableFormat format = view.getSpec().source() != null
                        && view.getSpec().source().format() != null
                ? view.getSpec().source().format()
                : store == null || store.getSpec() == null || store.getSpec().lakehouse() == null
                        ? null
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
            boolean good = DEGRADED.equals(type)
                    ? !StatusConditions.TRUE.equals(now.getStatus())
                    : StatusConditions.TRUE.equals(now.getStatus());
            if (good && DEGRADED.equals(type) && before == null) {
                continue;
            }
            events.record(
                    view, good ? KubernetesEvents.NORMAL : KubernetesEvents.WARNING, now.getReason(), now.getMessage());
        }
    }
}
