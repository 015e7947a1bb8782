package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.SpecValidator;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.ViewAssignment;
import io.featureduck.operator.status.KubernetesEvents;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.status.StatusPatch;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.featureduck.operator.status.StatusConditions.DEGRADED;
import static io.featureduck.operator.status.StatusConditions.PROGRESSING;
import static io.featureduck.operator.status.StatusConditions.READY;

/**
 * Turns a FeatureStore into its data plane: the serving ConfigMap (the store plus its views), the Deployment, the
 * Service and, with several replicas, a PodDisruptionBudget, all owned by the store so that deleting it deletes them.
 * Reconciled again whenever the store, one of those objects or one of its FeatureViews changes.
 *
 * <p>Status follows the Deployment: {@code Ready} when every wanted pod of the current template is ready,
 * {@code Progressing} during a rollout, {@code Degraded} when the rollout is stuck or pods fail to start.
 */
@ControllerConfiguration(name = FeatureStoreReconciler.NAME)
public final class FeatureStoreReconciler implements Reconciler<FeatureStore> {
    public static final String NAME = "featurestore";
    /** Waiting reasons of a container that will not start by itself. */
    private static final Set<String> STUCK_CONTAINER_REASONS = Set.of("CreateContainerConfigError",
            "CreateContainerError", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CrashLoopBackOff");

    private final OperatorSettings settings;
    private final KubernetesEvents events;
    private final Clock clock;
    private final Workflow<FeatureStore> workflow;

    public FeatureStoreReconciler(OperatorSettings settings, KubernetesEvents events, Clock clock) {
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        ServingConfigMapDependent configMap = onlyOwnObjects(new ServingConfigMapDependent());
        DataPlaneDeploymentDependent deployment = onlyOwnObjects(new DataPlaneDeploymentDependent(settings));
        DataPlaneServiceDependent service = onlyOwnObjects(new DataPlaneServiceDependent());
        DataPlaneDisruptionBudgetDependent disruptionBudget = onlyOwnObjects(new DataPlaneDisruptionBudgetDependent());
        WorkflowBuilder<FeatureStore> builder = new WorkflowBuilder<>();
        builder.addDependentResource(configMap);
        // The pods mount the ConfigMap: it must exist before they start.
        builder.addDependentResourceAndConfigure(deployment).dependsOn(Set.of(configMap));
        builder.addDependentResource(service);
        builder.addDependentResourceAndConfigure(disruptionBudget)
                .withReconcilePrecondition(new DataPlaneDisruptionBudgetDependent.MultipleReplicas());
        this.workflow = builder.build();
    }

    /** Watches only the objects this operator labels as its own, not every ConfigMap or Deployment. */
    private static <R extends HasMetadata, D extends KubernetesDependentResource<R, FeatureStore>> D onlyOwnObjects(
            D dependent) {
        dependent.configureWith(new KubernetesDependentResourceConfigBuilder<R>()
                .withKubernetesDependentInformerConfig(InformerConfiguration.builder(dependent.resourceType())
                        .withLabelSelector(DataPlaneNames.MANAGED_SELECTOR).build())
                .build());
        return dependent;
    }

    @Override
    public List<EventSource<?, FeatureStore>> prepareEventSources(EventSourceContext<FeatureStore> context) {
        List<EventSource<?, FeatureStore>> sources = new ArrayList<>(
                EventSourceUtils.eventSourcesFromWorkflow(context, workflow));
        // Views point at their store by name; the framework indexes that mapping to find a store's views again.
        sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(FeatureView.class, FeatureStore.class)
                .withSecondaryToPrimaryMapper((FeatureView view) -> view.getSpec() == null || view.getSpec().store() == null
                        ? Set.of() : Set.of(new ResourceID(view.getSpec().store(), view.getMetadata().getNamespace())))
                .withNamespacesInheritedFromController()
                .build(), context));
        // Feature services name their store the same way.
        sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(FeatureService.class,
                        FeatureStore.class)
                .withSecondaryToPrimaryMapper((FeatureService service) -> service.getSpec() == null
                        || service.getSpec().store() == null ? Set.of()
                        : Set.of(new ResourceID(service.getSpec().store(), service.getMetadata().getNamespace())))
                .withNamespacesInheritedFromController()
                .build(), context));
        // The data-plane pods, so that a container that cannot start (whose Deployment only stops progressing) is
        // reported as it happens.
        sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, FeatureStore.class)
                .withLabelSelector(DataPlaneNames.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper((Pod pod) -> DataPlaneNames.storeOf(pod)
                        .map(store -> Set.of(new ResourceID(store, pod.getMetadata().getNamespace())))
                        .orElse(Set.of()))
                .withNamespacesInheritedFromController()
                .build(), context));
        return sources;
    }

    @Override
    public UpdateControl<FeatureStore> reconcile(FeatureStore store, Context<FeatureStore> context) {
        FeatureStoreStatus before = store.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        String problems = SpecValidator.validate(store).stream().map(v -> v.field() + ": " + v.message())
                .collect(Collectors.joining("; "));
        FeatureStoreStatus after;
        if (!problems.isEmpty()) {
            // The API server's schema normally rejects these; without it, nothing is deployed from a broken spec.
            after = FeatureStoreStatus.builder(generation(store), new StatusConditions(previous, generation(store), clock)
                    .set(READY, false, "InvalidSpec", problems)
                    .set(PROGRESSING, false, "InvalidSpec", problems)
                    .set(DEGRADED, true, "InvalidSpec", problems).build())
                    .views(List.of()).build();
        } else {
            workflow.reconcile(store, context);
            after = status(store, context, previous);
        }
        announce(store, before, after);
        if (Objects.equals(before, after)) {
            return UpdateControl.noUpdate();
        }
        return UpdateControl.patchStatus(StatusPatch.of(store, after, FeatureStore::new));
    }

    private FeatureStoreStatus status(FeatureStore store, Context<FeatureStore> context, List<Condition> previous) {
        int wanted = store.getSpec().effectiveDataPlane().effectiveReplicas();
        List<String> views = ViewAssignment.servedBy(store, context.getSecondaryResources(FeatureView.class)).stream()
                .map(v -> v.getMetadata().getName()).toList();
        Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
        DeploymentStatus rollout = deployment.map(Deployment::getStatus).orElse(null);
        int ready = rollout == null || rollout.getReadyReplicas() == null ? 0 : rollout.getReadyReplicas();
        int updated = rollout == null || rollout.getUpdatedReplicas() == null ? 0 : rollout.getUpdatedReplicas();
        boolean observed = deployment.isPresent() && rollout != null && rollout.getObservedGeneration() != null
                && rollout.getObservedGeneration() >= deployment.get().getMetadata().getGeneration();
        Optional<DeploymentCondition> stuck = rollout == null || rollout.getConditions() == null ? Optional.empty()
                : rollout.getConditions().stream().filter(c ->
                        ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason()))
                                || ("ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())))
                        .findFirst();
        boolean rolledOut = observed && updated >= wanted && ready >= wanted;
        String serving = ready + " of " + wanted + " data-plane pods ready, serving " + views.size()
                + (views.size() == 1 ? " view" : " views");

        StatusConditions conditions = new StatusConditions(previous, generation(store), clock);
        if (wanted == 0) {
            conditions.set(READY, false, "ScaledToZero", "spec.dataPlane.replicas is 0: nothing serves this store");
        } else if (rolledOut) {
            conditions.set(READY, true, "Serving", serving);
        } else {
            conditions.set(READY, false, "PodsNotReady", serving);
        }
        conditions.set(PROGRESSING, !rolledOut && wanted > 0, rolledOut ? "RolloutComplete" : "RollingOut",
                rolledOut ? "the data plane runs the current configuration" : serving);
        Optional<PodFailure> podFailure = rolledOut || wanted == 0 ? Optional.empty() : podFailure(store, context);
        if (podFailure.isPresent()) {
            conditions.set(DEGRADED, true, podFailure.get().reason(), podFailure.get().message());
        } else if (stuck.isPresent()) {
            conditions.set(DEGRADED, true, stuck.get().getReason(), "data-plane Deployment "
                    + DataPlaneNames.dataPlane(store) + ": " + stuck.get().getMessage());
        } else {
            conditions.set(DEGRADED, false, "AsExpected", "no failures reported by the data-plane Deployment");
        }
        return FeatureStoreStatus.builder(generation(store), conditions.build()).replicas(wanted, ready).views(views)
                .endpoint(DataPlaneNames.serviceUrl(store)).build();
    }

    /** Why a data-plane container does not run, as the kubelet says it. */
    private record PodFailure(String reason, String message) {
    }

    /**
     * The first data-plane container the kubelet cannot start or keep running: a credentials
     * Secret that does not exist, an image that cannot be pulled, a crash loop. The Deployment reports these only as
     * a rollout that never progresses, ten minutes later. Pods come from the operator's own watch of them.
     */
    private static Optional<PodFailure> podFailure(FeatureStore store, Context<FeatureStore> context) {
        for (Pod pod : context.getSecondaryResources(Pod.class)) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
                ContainerStateWaiting waiting = container.getState() == null ? null : container.getState().getWaiting();
                if (waiting != null && STUCK_CONTAINER_REASONS.contains(waiting.getReason())) {
                    return Optional.of(new PodFailure(waiting.getReason(), "data-plane pod " + pod.getMetadata().getName()
                            + ": " + waiting.getReason() + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())));
                }
            }
        }
        return Optional.empty();
    }

    /** Events for what a user wants to see in {@code kubectl describe}: transitions, not every reconcile. */
    private void announce(FeatureStore store, FeatureStoreStatus before, FeatureStoreStatus after) {
        List<Condition> old = before == null ? List.of() : before.conditions();
        List<String> oldViews = before == null ? List.of() : before.views();
        if (!oldViews.equals(after.views())) {
            events.record(store, KubernetesEvents.NORMAL, "ServingConfigUpdated",
                    "serving configuration now holds " + after.views().size() + " views: " + after.views());
        }
        if (StatusConditions.changed(old, after.conditions(), READY)) {
            Condition ready = StatusConditions.find(after.conditions(), READY).orElseThrow();
            events.record(store, StatusConditions.TRUE.equals(ready.getStatus()) ? KubernetesEvents.NORMAL
                    : KubernetesEvents.WARNING, ready.getReason(), ready.getMessage());
        }
        if (StatusConditions.changed(old, after.conditions(), DEGRADED)) {
            Condition degraded = StatusConditions.find(after.conditions(), DEGRADED).orElseThrow();
            if (StatusConditions.TRUE.equals(degraded.getStatus())) {
                events.record(store, KubernetesEvents.WARNING, degraded.getReason(), degraded.getMessage());
            }
        }
    }

    @Override
    public ErrorStatusUpdateControl<FeatureStore> updateErrorStatus(FeatureStore store, Context<FeatureStore> context,
                                                                    Exception e) {
        // Reported on the resource and retried with the framework's backoff.
        FeatureStoreStatus before = store.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        String message = "reconciling the data plane failed (retrying): " + rootMessage(e);
        FeatureStoreStatus.Builder failed = FeatureStoreStatus.builder(generation(store), new StatusConditions(previous,
                generation(store), clock)
                .set(READY, before != null && StatusConditions.find(previous, READY)
                        .map(c -> StatusConditions.TRUE.equals(c.getStatus())).orElse(false), "ReconcileError", message)
                .set(PROGRESSING, true, "ReconcileError", message)
                .set(DEGRADED, true, "ReconcileError", message).build());
        // What was known before the failure stays known.
        if (before != null) {
            failed.replicas(before.replicas(), before.readyReplicas()).views(before.views()).endpoint(before.endpoint());
        }
        FeatureStoreStatus after = failed.build();
        if (StatusConditions.changed(previous, after.conditions(), DEGRADED)) {
            events.record(store, KubernetesEvents.WARNING, "ReconcileError", message);
        }
        return ErrorStatusUpdateControl.patchStatus(StatusPatch.of(store, after, FeatureStore::new));
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return Objects.toString(cause.getMessage(), cause.toString());
    }

    private static Long generation(FeatureStore store) {
        return store.getMetadata().getGeneration();
    }
}
