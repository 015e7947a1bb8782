package io.featureduck.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.featureduck.operator.config.OperatorSettings;
import io.featureduck.operator.dataplane.DataPlaneClient;
import io.featureduck.operator.dataplane.DataPlaneReports;
import io.featureduck.operator.retrieval.HistoricalRetrievalReconciler;
import io.featureduck.operator.service.FeatureServiceReconciler;
import io.featureduck.operator.status.KubernetesEvents;
import io.featureduck.operator.store.FeatureStoreReconciler;
import io.featureduck.operator.view.FeatureViewReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FeatureDuck operator: reconciles FeatureStores into data planes and reports FeatureViews' serving state and
 * FeatureServices' resolution. Runs
 * in a cluster from the Helm chart, or outside one for development with the current kubeconfig:
 * {@code java -jar operator/target/featureduck-operator.jar}.
 */
public final class FeatureDuckOperator {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureDuckOperator.class);

    private FeatureDuckOperator() {}

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(
                    "featureduck-operator: reconciles FeatureStore, FeatureView and FeatureService resources.\n"
                            + "Configured by environment variables:\n" + OperatorSettings.DOCUMENTATION);
            return;
        }
        OperatorSettings settings;
        try {
            settings = OperatorSettings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("featureduck-operator: " + e.getMessage());
            System.exit(2);
            return;
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        Operator operator = create(client, settings, true);
        operator.installShutdownHook(Duration.ofSeconds(10));
        operator.start();
        LOG.info(
                "FeatureDuck operator started against {} (namespaces: {}, server-side apply: {}, leader election: {})",
                client.getMasterUrl(),
                settings.namespaces().isEmpty() ? "all" : settings.namespaces(),
                settings.serverSideApply(),
                settings.leaderElection());
    }

    /**
     * An operator with its four reconcilers registered, not yet started. A {@code standalone} operator owns its process:
     * it closes the client when it stops and exits when it loses leadership, so that a replica that may have missed
     * events never reconciles again; an embedded one (tests) only stops.
     */
    public static Operator create(KubernetesClient client, OperatorSettings settings, boolean standalone) {
        Clock clock = Clock.systemUTC();
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(standalone)
                    .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(settings.serverSideApply());
            if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
                        OperatorSettings.LEASE_NAME,
                        settings.leaseNamespace().isEmpty() ? null : settings.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        leaderIdentity(),
                        new LeaderCallbacks(
                                () -> LOG.info("This replica leads and reconciles"),
                                () -> LOG.info("This replica stopped leading"),
                                leader -> {}),
                        standalone));
            }
        });
        KubernetesEvents events = new KubernetesEvents(client, clock);
        DataPlaneReports reports = new DataPlaneReports(settings, new DataPlaneClient(), clock);
        operator.register(new FeatureStoreReconciler(settings, reports, events, clock), c -> namespaces(c, settings));
        operator.register(new FeatureViewReconciler(settings, reports, events, clock), c -> namespaces(c, settings));
        operator.register(
                new FeatureServiceReconciler(events, clock, settings.serverSideApply()), c -> namespaces(c, settings));
        operator.register(
                new HistoricalRetrievalReconciler(settings, new DataPlaneClient(), events, clock),
                c -> namespaces(c, settings));
        return operator;
    }

    /**
     * Who this replica is in the Lease: its pod name (HOSTNAME in a pod) with a random suffix. The suffix keeps two
     * replicas on one host apart (outside a cluster they share a host name, and both would think they hold the Lease),
     * and a restarted pod from taking its predecessor's Lease for its own before it has expired.
     */
    static String leaderIdentity() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "featureduck-operator";
            }
        }
        return host + "_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void namespaces(
            io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> config,
            OperatorSettings settings) {
        if (settings.namespaces().isEmpty()) {
            config.watchingAllNamespaces();
        } else {
            config.settingNamespaces(settings.namespaces());
        }
    }
}
