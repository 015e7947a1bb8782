package io.featureduck.operator.store;

import static io.featureduck.operator.status.StatusConditions.DEGRADED;
import static io.featureduck.operator.status.StatusConditions.PROGRESSING;
import static io.featureduck.operator.status.StatusConditions.READY;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.admission.Admission;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.DataPlaneReports;
import io.featureduck.operator.dataplane.StoreReports;
import io.featureduck.operator.dataplane.ViewAssignment;
import io.featureduck.operator.status.KubernetesEvents;
import io.featureduck.operator.status.Reason;
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
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a FeatureStore into its data plane: the serving ConfigMap (the store plus its views), the Deployment, the
 * Service and, with several replicas, a PodDisruptionBudget, all owned by the store so that deleting it deletes them.
 * Reconciled again whenever the store, one of those objects, one of its FeatureViews or its pods' reports change.
 *
 * <p>Status ({@link StoreConditions}) follows the Deployment: {@code Ready} when every wanted pod of the current template is ready,
 * {@code Progressing} during a rollout, {@code Degraded} when the rollout is stuck or pods fail to start.
 */
@ControllerConfiguration(name = FeatureStoreReconciler.NAME)
public final class FeatureStoreReconciler implements Reconciler<FeatureStore> {
    public static final String NAME = "featurestore";
    private final OperatorSettings settings;
    private final DataPlaneReports reports;
    private final KubernetesEvents events;
    private final Clock clock;
    private final Workflow<FeatureStore> workflow;

    public FeatureStoreReconciler(
            OperatorSettings settings, DataPlaneReports reports, KubernetesEvents events, Clock clock) {
        this.settings = settings;
        this.reports = reports;
        this.events = events;
        this.clock = clock;
        ServingConfigMapDependent configMap =
                onlyOwnObjects(new ServingConfigMapDependent(), DataPlaneNames.MANAGED_SELECTOR);
        // The unsharded layout's objects and the shards' are watched apart, by the shard label, so that each
        // dependent sees only its own.
        DataPlaneDeploymentDependent deployment =
                onlyOwnObjects(new DataPlaneDeploymentDependent(settings), DataPlaneNames.UNSHARDED_SELECTOR);
        DataPlaneServiceDependent service =
                onlyOwnObjects(new DataPlaneServiceDependent(), DataPlaneNames.UNSHARDED_SELECTOR);
        DataPlaneDisruptionBudgetDependent disruptionBudget =
                onlyOwnObjects(new DataPlaneDisruptionBudgetDependent(), DataPlaneNames.UNSHARDED_SELECTOR);
        ShardDeploymentsDependent shardDeployments =
                onlyOwnObjects(new ShardDeploymentsDependent(deployment), DataPlaneNames.SHARDED_SELECTOR);
        ShardServicesDependent shardServices =
                onlyOwnObjects(new ShardServicesDependent(), DataPlaneNames.SHARDED_SELECTOR);
        ShardDisruptionBudgetsDependent shardBudgets =
                onlyOwnObjects(new ShardDisruptionBudgetsDependent(), DataPlaneNames.SHARDED_SELECTOR);
        WorkflowBuilder<FeatureStore> builder = new WorkflowBuilder<>();
        builder.addDependentResource(configMap);
        // The pods mount the ConfigMap: it must exist before they start.
        builder.addDependentResourceAndConfigure(deployment)
                .dependsOn(Set.of(configMap))
                .withReconcilePrecondition(new ShardLayouts.UnshardedWanted<>());
        builder.addDependentResourceAndConfigure(shardDeployments).dependsOn(Set.of(configMap));
        builder.addDependentResource(shardServices);
        builder.addDependentResource(shardBudgets);
        builder.addDependentResource(service);
        builder.addDependentResourceAndConfigure(disruptionBudget)
                .withReconcilePrecondition(new DataPlaneDisruptionBudgetDependent.MultipleReplicas());
        this.workflow = builder.build();
    }

    /** Watches only the objects this operator labels as its own, not every ConfigMap or Deployment. */
    private static <R extends HasMetadata, D extends KubernetesDependentResource<R, FeatureStore>> D onlyOwnObjects(
            D dependent, String selector) {
        dependent.configureWith(new KubernetesDependentResourceConfigBuilder<R>()
                .withKubernetesDependentInformerConfig(InformerConfiguration.builder(dependent.resourceType())
                        .withLabelSelector(selector)
                        .build())
                .build());
        return dependent;
    }

    @Override
    public List<EventSource<?, FeatureStore>> prepareEventSources(EventSourceContext<FeatureStore> context) {
        List<EventSource<?, FeatureStore>> sources =
                new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(context, workflow));
        // Views point at their store by name; the framework indexes that mapping to find a store's views again.
        sources.add(new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FeatureView.class, FeatureStore.class)
                        .withSecondaryToPrimaryMapper(ViewAssignment::storeOf)
                        .withNamespacesInheritedFromController()
                        .build(),
                context));
        // Feature services name their store the same way.
        sources.add(new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FeatureService.class, FeatureStore.class)
                        .withSecondaryToPrimaryMapper((FeatureService service) ->
                                service.getSpec() == null || service.getSpec().store() == null
                                        ? Set.of()
                                        : Set.of(new ResourceID(
                                                service.getSpec().store(),
                                                service.getMetadata().getNamespace())))
                        .withNamespacesInheritedFromController()
                        .build(),
                context));
        // The data-plane pods, so that a container that cannot start (whose Deployment only stops progressing) is
        // reported as it happens.
        InformerEventSource<Pod, FeatureStore> pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, FeatureStore.class)
                        .withLabelSelector(DataPlaneNames.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper((Pod pod) -> DataPlaneNames.storeOf(pod)
                                .map(store -> Set.of(
                                        new ResourceID(store, pod.getMetadata().getNamespace())))
                                .orElse(Set.of()))
                        .withNamespacesInheritedFromController()
                        .build(),
                context);
        sources.add(pods);
        // What the pods say of their serving configuration, polled outside reconcile: a pod that refused the newest
        // file keeps serving the previous one and says why, which the store's status then shows.
        sources.add(new PerResourcePollingEventSource<>(
                StoreReports.class,
                context,
                new PerResourcePollingConfigurationBuilder<StoreReports, FeatureStore, String>(
                                store -> Set.of(reports.of(
                                        store.getMetadata().getNamespace(),
                                        store.getMetadata().getName(),
                                        pods.list(store.getMetadata().getNamespace()))),
                                settings.statusInterval())
                        .withName("dataplane-reports")
                        .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
                        .build()));
        return sources;
    }

    @Override
    public UpdateControl<FeatureStore> reconcile(FeatureStore store, Context<FeatureStore> context) {
        FeatureStoreStatus before = store.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        Admission admission = CurrentAdmission.compute(store, context);
        FeatureStoreStatus after;
        if (!admission.storeAccepted()) {
            // The API server's schema normally rejects most of these; nothing is deployed from a refused store, so no
            // pod is ever started on a configuration it would refuse.
            after = StoreConditions.refused(store, admission, previous, clock);
        } else {
            StoreReports reports =
                    context.getSecondaryResource(StoreReports.class).orElseGet(StoreReports::noReadyPods);
            Set<Deployment> deployments = context.getSecondaryResources(Deployment.class);
            ShardLayouts layouts = ShardLayouts.of(store);
            if (ShardMap.mayActivateTarget(store, layouts, deployments, reports)) {
                // The new layout serves what the old one does: route clients to it. The dependents read the active
                // layout from the status, so this reconcile already moves the Service and removes the old layout's
                // objects; the status written below records it (the resource here is the framework's copy).
                layouts = new ShardLayouts(layouts.target(), layouts.target());
                store.setStatus(store.getStatus().withActiveShards(layouts.active()));
                events.record(
                        store,
                        KubernetesEvents.NORMAL,
                        "Resharded",
                        "clients now reach " + layouts.target() + " shards; the previous layout is removed");
            }
            workflow.reconcile(store, context);
            after = StoreConditions.derive(
                    new StoreConditions.Observed(
                            store, admission, layouts, deployments, context.getSecondaryResources(Pod.class), reports),
                    previous,
                    clock);
        }
        announce(store, before, after);
        return Objects.equals(before, after)
                ? UpdateControl.noUpdate()
                : StatusPatch.write(store, after, FeatureStore::new, context, settings.serverSideApply());
    }

    /** Events for what a user wants to see in {@code kubectl describe}: transitions, not every reconcile. */
    private void announce(FeatureStore store, FeatureStoreStatus before, FeatureStoreStatus after) {
        List<Condition> old = before == null ? List.of() : before.conditions();
        List<String> oldViews = before == null ? List.of() : before.views();
        if (!oldViews.equals(after.views())) {
            events.record(
                    store,
                    KubernetesEvents.NORMAL,
                    "ServingConfigUpdated",
                    "serving configuration now holds " + after.views().size() + " views: " + after.views());
        }
        if (StatusConditions.changed(old, after.conditions(), READY)) {
            Condition ready = StatusConditions.find(after.conditions(), READY).orElseThrow();
            events.record(
                    store,
                    StatusConditions.TRUE.equals(ready.getStatus())
                            ? KubernetesEvents.NORMAL
                            : KubernetesEvents.WARNING,
                    ready.getReason(),
                    ready.getMessage());
        }
        if (StatusConditions.changed(old, after.conditions(), DEGRADED)) {
            Condition degraded =
                    StatusConditions.find(after.conditions(), DEGRADED).orElseThrow();
            if (StatusConditions.TRUE.equals(degraded.getStatus())) {
                events.record(store, KubernetesEvents.WARNING, degraded.getReason(), degraded.getMessage());
            }
        }
    }

    @Override
    public ErrorStatusUpdateControl<FeatureStore> updateErrorStatus(
            FeatureStore store, Context<FeatureStore> context, Exception e) {
        // Reported on the resource and retried with the framework's backoff.
        FeatureStoreStatus before = store.getStatus();
        List<Condition> previous = before == null ? List.of() : before.conditions();
        String message = "reconciling the data plane failed (retrying): " + rootMessage(e);
        FeatureStoreStatus.Builder failed = FeatureStoreStatus.builder(
                generation(store),
                new StatusConditions(previous, generation(store), clock)
                        .set(
                                READY,
                                before != null
                                        && StatusConditions.find(previous, READY)
                                                .map(c -> StatusConditions.TRUE.equals(c.getStatus()))
                                                .orElse(false),
                                Reason.RECONCILE_ERROR,
                                message)
                        .set(PROGRESSING, true, Reason.RECONCILE_ERROR, message)
                        .set(DEGRADED, true, Reason.RECONCILE_ERROR, message)
                        .build());
        // What was known before the failure stays known.
        if (before != null) {
            failed.replicas(before.replicas(), before.readyReplicas())
                    .views(before.views())
                    .endpoint(before.endpoint())
                    .refusedViews(before.refusedViews());
        }
        FeatureStoreStatus after = failed.build();
        if (StatusConditions.changed(previous, after.conditions(), DEGRADED)) {
            events.record(store, KubernetesEvents.WARNING, Reason.RECONCILE_ERROR.wireName(), message);
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
