package io.featureduck.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featureduck.operator.dataplane.DataPlaneNames;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on FeatureStores and FeatureViews, so {@code kubectl describe} shows what the operator
 * did and why something failed. An Event that cannot be written is logged, never allowed to fail a reconcile.
 */
public final class KubernetesEvents {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);

    private final KubernetesClient client;
    private final Clock clock;

    public KubernetesEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(HasMetadata about, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant());
        String namespace = about.getMetadata().getNamespace();
        try {
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(about.getMetadata().getName() + "."
                                    + UUID.randomUUID().toString().substring(0, 13))
                            .withNamespace(namespace)
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion(about.getApiVersion())
                            .withKind(about.getKind())
                            .withName(about.getMetadata().getName())
                            .withNamespace(namespace)
                            .withUid(about.getMetadata().getUid())
                            .withResourceVersion(about.getMetadata().getResourceVersion())
                            .endInvolvedObject()
                            .withType(type)
                            .withReason(reason)
                            .withMessage(message)
                            .withNewSource()
                            .withComponent(DataPlaneNames.MANAGED_BY)
                            .endSource()
                            .withReportingComponent(DataPlaneNames.MANAGED_BY)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withCount(1)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "cannot record event {} on {} {}/{}: {}",
                    reason,
                    about.getKind(),
                    namespace,
                    about.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
