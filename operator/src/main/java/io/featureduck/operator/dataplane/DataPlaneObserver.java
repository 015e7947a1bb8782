package io.featureduck.operator.dataplane;

import io.fabric8.kubernetes.api.model.Pod;
import io.featureduck.crds.FeatureView;
import io.featureduck.operator.config.OperatorSettings;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Observes the data plane for the FeatureView controller, outside reconcile: a watch of the data-plane pods (whose
 * cache says which pods are ready, and whose changes reconcile the views of their store) and, every
 * {@code FEATUREDUCK_STATUS_INTERVAL}, each view's part of its store's {@link DataPlaneReports} (one request per
 * pod for all of a store's views). Reconcile reads the latest
 * {@link ServingObservation} from the framework's cache and makes no call of its own; a changed observation
 * reconciles the view.
 */
public final class DataPlaneObserver {
    private final DataPlaneReports reports;
    private final InformerEventSource<Pod, FeatureView> pods;
    private final PerResourcePollingEventSource<ServingObservation, FeatureView, String> observations;

    public DataPlaneObserver(
            EventSourceContext<FeatureView> context, OperatorSettings settings, DataPlaneReports reports) {
        this.reports = reports;
        this.pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, FeatureView.class)
                        .withName("dataplane-pods")
                        .withLabelSelector(DataPlaneNames.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper((Pod pod) -> viewsOf(context, pod))
                        .withNamespacesInheritedFromController()
                        .build(),
                context);
        this.observations = new PerResourcePollingEventSource<>(
                ServingObservation.class,
                context,
                new PerResourcePollingConfigurationBuilder<ServingObservation, FeatureView, String>(
                                view -> Set.of(observe(view)), settings.statusInterval())
                        .withName("dataplane-reports")
                        .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
                        .build());
    }

    /** The event sources to register with the controller. */
    public List<EventSource<?, FeatureView>> eventSources() {
        return List.of(pods, observations);
    }

    private static Set<ResourceID> viewsOf(EventSourceContext<FeatureView> context, Pod pod) {
        return DataPlaneNames.storeOf(pod)
                .map(store -> context.getPrimaryCache()
                        .list(
                                pod.getMetadata().getNamespace(),
                                v -> v.getSpec() != null
                                        && store.equals(v.getSpec().store()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .orElse(Set.of());
    }

    /** What every ready pod of the view's store (or the configured address) serves of the view. */
    ServingObservation observe(FeatureView view) {
        String store = view.getSpec() == null ? null : view.getSpec().store();
        if (store == null) {
            return ServingObservation.noReadyPods();
        }
        String namespace = view.getMetadata().getNamespace();
        return reports.of(namespace, store, pods.list(namespace))
                .view(view.getMetadata().getName());
    }
}
