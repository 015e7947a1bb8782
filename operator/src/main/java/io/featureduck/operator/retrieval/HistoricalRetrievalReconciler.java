package io.featureduck.operator.retrieval;

import static io.featureduck.operator.status.StatusConditions.COMPLETE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.HistoricalRetrieval;
import io.featureduck.crds.HistoricalRetrievalSpec;
import io.featureduck.crds.HistoricalRetrievalStatus;
import io.featureduck.crds.HistoricalRetrievalStatus.RetrievalPhase;
import io.featureduck.crds.HistoricalRetrievalStatus.TableVersion;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.featureduck.operator.dataplane.DataPlaneReports;
import io.featureduck.operator.status.KubernetesEvents;
import io.featureduck.operator.status.Reason;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.status.StatusPatch;
import io.featureduck.spark.RetrievalPlan;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a HistoricalRetrieval on Spark: asks the store's data plane for the plan (which pins every table version),
 * creates the SparkApplication running it, and follows the application into the retrieval's status until it
 * succeeds (with the rows written, from the driver's termination message) or fails (with the Spark operator's
 * reason). A finished retrieval is never run again. The application's state is polled at the status interval
 * (FEATUREDUCK_STATUS_INTERVAL), so the Spark operator's CRD need not be installed for this operator to start.
 */
@ControllerConfiguration(name = HistoricalRetrievalReconciler.NAME)
public final class HistoricalRetrievalReconciler implements Reconciler<HistoricalRetrieval> {
    public static final String NAME = "historicalretrieval";

    /** How soon to try again when the store, its data plane or the Spark operator is not there yet. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OperatorSettings settings;
    private final DataPlaneClient dataPlane;
    private final KubernetesEvents events;
    private final Clock clock;

    public HistoricalRetrievalReconciler(
            OperatorSettings settings, DataPlaneClient dataPlane, KubernetesEvents events, Clock clock) {
        this.settings = settings;
        this.dataPlane = dataPlane;
        this.events = events;
        this.clock = clock;
    }

    /** A status to write, and when to look again (never, once final). */
    private record Outcome(HistoricalRetrievalStatus status, Optional<Duration> again) {}

    @Override
    public UpdateControl<HistoricalRetrieval> reconcile(
            HistoricalRetrieval retrieval, Context<HistoricalRetrieval> context) {
        HistoricalRetrievalStatus before = retrieval.getStatus();
        if (before != null && before.phase() != null && before.phase().isFinal()) {
            return UpdateControl.noUpdate();
        }
        KubernetesClient client = context.getClient();
        String namespace = retrieval.getMetadata().getNamespace();
        GenericKubernetesResource application = client.genericKubernetesResources(SparkApplications.CONTEXT)
                .inNamespace(namespace)
                .withName(SparkApplications.name(retrieval))
                .get();
        Outcome outcome = application == null ? submit(retrieval, client) : follow(retrieval, application, client);
        announce(retrieval, before, outcome.status());
        UpdateControl<HistoricalRetrieval> control = Objects.equals(before, outcome.status())
                ? UpdateControl.noUpdate()
                : StatusPatch.write(
                        retrieval, outcome.status(), HistoricalRetrieval::new, context, settings.serverSideApply());
        return outcome.again().map(control::rescheduleAfter).orElse(control);
    }

    /** Plans the retrieval on the data plane and creates its application. */
    private Outcome submit(HistoricalRetrieval retrieval, KubernetesClient client) {
        HistoricalRetrievalStatus before = retrieval.getStatus();
        if (before != null && before.sparkApplication() != null) {
            return failed(
                    retrieval,
                    Reason.SPARK_APPLICATION_FAILED,
                    "SparkApplication '" + before.sparkApplication()
                            + "' was deleted before it finished; create a new retrieval");
        }
        String namespace = retrieval.getMetadata().getNamespace();
        HistoricalRetrievalSpec spec = retrieval.getSpec();
        FeatureStore store = client.resources(FeatureStore.class)
                .inNamespace(namespace)
                .withName(spec.store())
                .get();
        if (store == null) {
            return pending(
                    retrieval,
                    Reason.STORE_NOT_FOUND,
                    "FeatureStore '" + spec.store() + "' does not exist in namespace '" + namespace
                            + "'; create it or correct spec.store");
        }
        Optional<String> url = dataPlaneUrl(store, client);
        if (url.isEmpty()) {
            return pending(
                    retrieval,
                    Reason.WAITING_FOR_DATA_PLANE,
                    "no data-plane pod of FeatureStore '" + spec.store() + "' is ready to plan the retrieval");
        }
        DataPlaneClient.PlanAnswer answer = dataPlane.sparkPlan(url.get(), planRequest(spec));
        if (answer instanceof DataPlaneClient.PlanRefused refused) {
            return failed(retrieval, Reason.PLAN_REFUSED, refused.message());
        }
        if (answer instanceof DataPlaneClient.PlanUnavailable unavailable) {
            return pending(retrieval, Reason.DATA_PLANE_UNREACHABLE, unavailable.reason());
        }
        DataPlaneClient.Planned plan = (DataPlaneClient.Planned) answer;
        GenericKubernetesResource application =
                SparkApplications.of(retrieval, store, plan.json(), settings.sparkImage());
        try {
            client.genericKubernetesResources(SparkApplications.CONTEXT)
                    .inNamespace(namespace)
                    .resource(application)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return pending(
                        retrieval,
                        Reason.SPARK_OPERATOR_MISSING,
                        "the SparkApplication kind (sparkoperator.k8s.io/v1beta2) is not installed: install the "
                                + "Kubeflow Spark operator (docs/SPARK.md)");
            }
            throw e;
        }
        return running(
                retrieval,
                "submitted as SparkApplication '" + SparkApplications.name(retrieval) + "', reading "
                        + plan.tables().size() + " table versions",
                versions(plan.tables()),
                clock.instant().toString());
    }

    /** A submitted retrieval's status: its application runs, or waits to; looked at again at the status interval. */
    private Outcome running(
            HistoricalRetrieval retrieval, String message, List<TableVersion> versions, String startTime) {
        return new Outcome(
                new HistoricalRetrievalStatus(
                        retrieval.getMetadata().getGeneration(),
                        RetrievalPhase.Running,
                        conditions(retrieval)
                                .set(COMPLETE, false, Reason.SPARK_RUNNING, message)
                                .build(),
                        SparkApplications.name(retrieval),
                        versions,
                        null,
                        retrieval.getSpec().output().uri(),
                        startTime,
                        null),
                Optional.of(settings.statusInterval()));
    }

    /** The data plane's request body for this retrieval's plan. */
    static String planRequest(HistoricalRetrievalSpec spec) {
        ObjectNode request = JSON.createObjectNode();
        if (spec.featureService() != null) {
            request.put("feature_service", spec.featureService());
        } else {
            spec.features().forEach(request.putArray("features")::add);
        }
        request.put("full_feature_names", Boolean.TRUE.equals(spec.fullFeatureNames()));
        if (spec.entityRows() != null) {
            ObjectNode rows = request.putObject("entity_rows")
                    .put("uri", spec.entityRows().uri());
            Optional.ofNullable(spec.entityRows().format()).ifPresent(f -> rows.putPOJO("format", f));
        } else {
            request.put("start_date", spec.timeRange().start());
            Optional.ofNullable(spec.timeRange().end()).ifPresent(end -> request.put("end_date", end));
        }
        ObjectNode output = request.putObject("output").put("uri", spec.output().uri());
        Optional.ofNullable(spec.output().format()).ifPresent(f -> output.putPOJO("format", f));
        return request.toString();
    }

    /** The application's state into the retrieval's status. */
    private Outcome follow(
            HistoricalRetrieval retrieval, GenericKubernetesResource application, KubernetesClient client) {
        SparkApplications.Observed observed = SparkApplications.observe(application);
        HistoricalRetrievalStatus before = Optional.ofNullable(retrieval.getStatus())
                .orElse(new HistoricalRetrievalStatus(null, null, null, null, null, null, null, null, null));
        String name = application.getMetadata().getName();
        return switch (observed.state()) {
            case COMPLETED -> {
                Optional<JsonNode> report =
                        report(client, retrieval.getMetadata().getNamespace(), observed.driverPod());
                Long rows = report.map(r -> r.path("rows").asLong()).orElse(null);
                yield new Outcome(
                        new HistoricalRetrievalStatus(
                                retrieval.getMetadata().getGeneration(),
                                RetrievalPhase.Succeeded,
                                conditions(retrieval)
                                        .set(
                                                COMPLETE,
                                                true,
                                                Reason.SUCCEEDED,
                                                (rows == null ? "the training set was written" : rows + " rows written")
                                                        + " to "
                                                        + retrieval
                                                                .getSpec()
                                                                .output()
                                                                .uri())
                                        .build(),
                                name,
                                before.tableVersions(),
                                rows,
                                retrieval.getSpec().output().uri(),
                                before.startTime(),
                                clock.instant().toString()),
                        Optional.empty());
            }
            case FAILED, SUBMISSION_FAILED ->
                failed(
                        retrieval,
                        Reason.SPARK_APPLICATION_FAILED,
                        "SparkApplication '" + name + "' "
                                + observed.state()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', ' ')
                                + (observed.errorMessage() == null ? "" : ": " + observed.errorMessage()));
            default ->
                running(
                        retrieval,
                        "SparkApplication '" + name + "' is " + observed.state().name(),
                        before.tableVersions(),
                        before.startTime());
        };
    }

    /** The job's report, which its driver writes as the container's termination message. */
    private static Optional<JsonNode> report(KubernetesClient client, String namespace, String driverPod) {
        if (driverPod == null) {
            return Optional.empty();
        }
        Pod pod = client.pods().inNamespace(namespace).withName(driverPod).get();
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
            if (container.getState() != null && container.getState().getTerminated() != null) {
                String message = container.getState().getTerminated().getMessage();
                try {
                    JsonNode report = message == null ? null : JSON.readTree(message);
                    if (report != null && report.has("rows")) {
                        return Optional.of(report);
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    // Not the job's report (Spark's own message, or a truncated one): the rows stay unknown.
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> dataPlaneUrl(FeatureStore store, KubernetesClient client) {
        String name = store.getMetadata().getName();
        String namespace = store.getMetadata().getNamespace();
        if (!settings.addressesPods()) {
            return Optional.of(
                    settings.dataPlaneUrl(DataPlaneNames.dataPlane(name), namespace, DataPlaneNames.MANAGEMENT_PORT));
        }
        return client
                .pods()
                .inNamespace(namespace)
                .withLabel(DataPlaneNames.STORE_LABEL, name)
                .list()
                .getItems()
                .stream()
                .filter(DataPlaneReports::isReady)
                .min(Comparator.comparing(pod -> pod.getStatus().getPodIP()))
                .map(pod -> settings.podUrl(pod.getStatus().getPodIP(), DataPlaneNames.MANAGEMENT_PORT));
    }

    private Outcome pending(HistoricalRetrieval retrieval, Reason reason, String message) {
        return new Outcome(
                new HistoricalRetrievalStatus(
                        retrieval.getMetadata().getGeneration(),
                        RetrievalPhase.Pending,
                        conditions(retrieval)
                                .set(COMPLETE, false, reason, message)
                                .build(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                Optional.of(RETRY_INTERVAL));
    }

    private Outcome failed(HistoricalRetrieval retrieval, Reason reason, String message) {
        HistoricalRetrievalStatus before = Optional.ofNullable(retrieval.getStatus())
                .orElse(new HistoricalRetrievalStatus(null, null, null, null, null, null, null, null, null));
        return new Outcome(
                new HistoricalRetrievalStatus(
                        retrieval.getMetadata().getGeneration(),
                        RetrievalPhase.Failed,
                        conditions(retrieval)
                                .set(COMPLETE, false, reason, message)
                                .build(),
                        before.sparkApplication(),
                        before.tableVersions(),
                        null,
                        null,
                        before.startTime(),
                        clock.instant().toString()),
                Optional.empty());
    }

    private StatusConditions conditions(HistoricalRetrieval retrieval) {
        List<Condition> previous = retrieval.getStatus() == null
                ? List.of()
                : retrieval.getStatus().conditions();
        return new StatusConditions(previous, retrieval.getMetadata().getGeneration(), clock);
    }

    private static List<TableVersion> versions(List<RetrievalPlan.TableRead> tables) {
        return tables.stream()
                .map(t -> new TableVersion(t.view(), t.format().name().toLowerCase(java.util.Locale.ROOT), t.version()))
                .distinct()
                .toList();
    }

    private void announce(
            HistoricalRetrieval retrieval, HistoricalRetrievalStatus before, HistoricalRetrievalStatus after) {
        List<Condition> old = before == null ? List.of() : before.conditions();
        if (!StatusConditions.changed(old, after.conditions(), COMPLETE)) {
            return;
        }
        Condition now = StatusConditions.find(after.conditions(), COMPLETE).orElseThrow();
        boolean bad = after.phase() == RetrievalPhase.Failed
                || (after.phase() == RetrievalPhase.Pending
                        && !Reason.PLANNING.wireName().equals(now.getReason()));
        events.record(
                retrieval, bad ? KubernetesEvents.WARNING : KubernetesEvents.NORMAL, now.getReason(), now.getMessage());
    }
}
