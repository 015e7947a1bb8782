package io.featureduck.operator.store;

import static io.featureduck.operator.status.StatusConditions.DEGRADED;
import static io.featureduck.operator.status.StatusConditions.PROGRESSING;
import static io.featureduck.operator.status.StatusConditions.READY;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.crds.admission.Admission;
import io.featureduck.crds.admission.AdmittedView;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.StoreReports;
import io.featureduck.operator.status.Reason;
import io.featureduck.operator.status.StatusConditions;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A FeatureStore's status from what the operator observed, as a pure function (the view's is
 * {@code ServingConditions}): its definitions' admission, its Deployment, its pods and what the pods said of their
 * serving configuration.
 *
 * <p>{@code Ready} when every wanted pod of the current template is ready, {@code Progressing} during a rollout,
 * {@code Degraded} when the rollout is stuck, pods fail to start, or a pod does not serve the newest configuration.
 */
final class StoreConditions {
    /** Waiting reasons of a container that will not start by itself. */
    private static final Set<String> STUCK_CONTAINER_REASONS = Set.of(
            "CreateContainerConfigError",
            "CreateContainerError",
            "ErrImagePull",
            "ImagePullBackOff",
            "InvalidImageName",
            "CrashLoopBackOff");

    private StoreConditions() {}

    /**
     * What the operator saw of a store.
     *
     * @param configurationErrors why a data-plane pod does not serve the newest serving configuration, pod by pod
     */
    record Observed(
            FeatureStore store,
            Admission admission,
            ShardLayouts layouts,
            Collection<Deployment> deployments,
            Collection<Pod> pods,
            StoreReports reports) {}

    /** The status of a store whose definition admission refused: nothing is deployed from it. */
    static FeatureStoreStatus refused(FeatureStore store, Admission admission, List<Condition> previous, Clock clock) {
        String problems = String.join("; ", admission.storeProblems());
        return FeatureStoreStatus.builder(
                        generation(store),
                        new StatusConditions(previous, generation(store), clock)
                                .set(READY, false, Reason.INVALID_SPEC, problems)
                                .set(PROGRESSING, false, Reason.INVALID_SPEC, problems)
                                .set(DEGRADED, true, Reason.INVALID_SPEC, problems)
                                .build())
                .views(List.of())
                .build();
    }

    static FeatureStoreStatus derive(Observed observed, List<Condition> previous, Clock clock) {
        FeatureStore store = observed.store();
        ShardLayouts layouts = observed.layouts();
        List<String> views =
                observed.admission().views().stream().map(AdmittedView::name).toList();
        List<FeatureStoreStatus.RefusedView> refused = observed.admission().refusedViews().entrySet().stream()
                .map(e -> new FeatureStoreStatus.RefusedView(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparing(FeatureStoreStatus.RefusedView::name))
                .toList();
        // Clients are served by the active layout: its rollout is the store's.
        LayoutRollout rollout = LayoutRollout.of(store, layouts.active(), observed.deployments());
        int wanted = rollout.wanted();
        int ready = rollout.ready();
        boolean rolledOut = rollout.rolledOut();
        String serving = ready + " of " + wanted + " data-plane pods ready"
                + (layouts.active() > 1 ? " across " + layouts.active() + " shards" : "") + ", serving " + views.size()
                + (views.size() == 1 ? " view" : " views")
                + (refused.isEmpty() ? "" : "; " + refused.size() + " refused (status.refusedViews)");

        StatusConditions conditions = new StatusConditions(previous, generation(store), clock);
        if (wanted == 0) {
            conditions.set(
                    READY,
                    false,
                    Reason.SCALED_TO_ZERO,
                    "spec.dataPlane.replicas is 0: nothing serves this " + "store");
        } else if (rolledOut) {
            conditions.set(READY, true, Reason.SERVING, serving);
        } else {
            conditions.set(READY, false, Reason.PODS_NOT_READY, serving);
        }
        if (layouts.resharding()) {
            LayoutRollout target = LayoutRollout.of(store, layouts.target(), observed.deployments());
            conditions.set(
                    PROGRESSING,
                    true,
                    Reason.RESHARDING,
                    "bringing up " + layouts.target() + " shards beside the " + layouts.active() + " serving: "
                            + target.ready() + " of " + target.wanted() + " pods ready; clients switch once every"
                            + " new shard serves the table versions the old ones serve");
        } else {
            conditions.set(
                    PROGRESSING,
                    !rolledOut && wanted > 0,
                    rolledOut ? Reason.ROLLOUT_COMPLETE : Reason.ROLLING_OUT,
                    rolledOut ? "the data plane runs the current configuration" : serving);
        }
        List<String> configurationErrors = observed.reports().configurationErrors();
        Optional<FeatureStoreStatus.MemoryStatus> memory = ShardMap.memory(store, layouts.active(), observed.reports());
        Optional<PodFailure> podFailure = rolledOut || wanted == 0 ? Optional.empty() : podFailure(observed.pods());
        if (podFailure.isPresent()) {
            conditions.setObserved(
                    DEGRADED, true, podFailure.get().reason(), podFailure.get().message());
        } else if (rollout.stuck().isPresent()) {
            conditions.setObserved(
                    DEGRADED,
                    true,
                    rollout.stuck().get().condition().getReason(),
                    "data-plane Deployment " + rollout.stuck().get().deployment() + ": "
                            + rollout.stuck().get().condition().getMessage());
        } else if (!configurationErrors.isEmpty()) {
            conditions.set(
                    DEGRADED,
                    true,
                    Reason.CONFIGURATION_ERROR,
                    "a data-plane pod keeps serving its previous " + "configuration: " + configurationErrors.get(0));
        } else if (memory.isPresent() && Boolean.FALSE.equals(memory.get().fits())) {
            conditions.set(
                    DEGRADED, true, Reason.INSUFFICIENT_MEMORY, memory.get().message());
        } else {
            conditions.set(DEGRADED, false, Reason.AS_EXPECTED, "no failures reported by the data plane");
        }
        return FeatureStoreStatus.builder(generation(store), conditions.build())
                .replicas(wanted, ready)
                .views(views)
                .refusedViews(refused)
                .endpoint(DataPlaneNames.serviceUrl(store))
                .shards(layouts.active(), ShardMap.of(store, layouts, observed.deployments()))
                .memory(memory.orElse(null))
                .build();
    }

    /** Why a data-plane container does not run, as the kubelet says it. */
    private record PodFailure(String reason, String message) {}

    /**
     * The first data-plane container the kubelet cannot start or keep running: a
     * credentials Secret that does not exist, an image that cannot be pulled, a crash loop. The Deployment reports
     * these only as a rollout that never progresses, ten minutes later.
     */
    private static Optional<PodFailure> podFailure(Collection<Pod> pods) {
        for (Pod pod : pods) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
                ContainerStateWaiting waiting = container.getState() == null
                        ? null
                        : container.getState().getWaiting();
                if (waiting != null && STUCK_CONTAINER_REASONS.contains(waiting.getReason())) {
                    return Optional.of(new PodFailure(
                            waiting.getReason(),
                            "data-plane pod " + pod.getMetadata().getName() + ": " + waiting.getReason()
                                    + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())));
                }
            }
        }
        return Optional.empty();
    }

    private static Long generation(FeatureStore store) {
        return store.getMetadata().getGeneration();
    }
}
