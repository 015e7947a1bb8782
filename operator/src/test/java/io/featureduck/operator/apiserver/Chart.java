package io.featureduck.operator.apiserver;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart installed on the control plane, and the operator run the way the chart runs it: with the chart's
 * ServiceAccount (so RBAC is exactly what the chart grants) and the environment of the chart's Deployment.
 */
public final class Chart {
    public static final String RELEASE = "featureduck";
    public static final String NAMESPACE = "featureduck-system";
    /** The chart names its ServiceAccount, ClusterRole and Deployment after the release. */
    public static final String OPERATOR = RELEASE + "-operator";

    static final Path OPERATOR_JAR = Path.of("target", "featureduck-operator.jar");

    private static boolean installed;

    private Chart() {}

    /** Installs the chart once per run ({@code helm upgrade --install}); CRDs come from its crds/ directory. */
    public static synchronized void install(ControlPlane plane) {
        if (!installed) {
            plane.helm(
                    "upgrade",
                    "--install",
                    RELEASE,
                    "helm/featureduck",
                    "--namespace",
                    NAMESPACE,
                    "--create-namespace");
            installed = true;
        }
    }

    /** The operator container's environment in the chart's Deployment, as the API server stored it. */
    public static Map<String, String> operatorEnvironment(ControlPlane plane) {
        Deployment deployment = plane.admin()
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(OPERATOR)
                .get();
        Map<String, String> environment = new HashMap<>();
        for (EnvVar variable : deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()) {
            // An empty value is stored as no value at all.
            environment.put(variable.getName(), variable.getValue() == null ? "" : variable.getValue());
        }
        return environment;
    }

    /**
     * Starts the packaged operator outside the cluster as one replica of the chart's Deployment would run: the chart's
     * environment plus {@code overrides}, a kubeconfig with a token of the chart's ServiceAccount, and {@code
     * hostname} as its pod name. Its output goes to {@code log}.
     */
    public static Process startOperator(ControlPlane plane, Path log, String hostname, Map<String, String> overrides) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                // Each reconcile the framework dispatches is logged, so a test can tell which replica reconciled.
                "-Dorg.slf4j.simpleLogger.log.io.javaoperatorsdk.operator.processing.event.ReconciliationDispatcher=debug",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-jar",
                OPERATOR_JAR.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(operatorEnvironment(plane));
        builder.environment().putAll(overrides);
        builder.environment().put("HOSTNAME", hostname);
        builder.environment()
                .put(
                        "KUBECONFIG",
                        plane.serviceAccountKubeconfig(NAMESPACE, OPERATOR).toString());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
