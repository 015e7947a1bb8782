package io.featureduck.operator.dataplane;

import java.util.List;
import java.util.Optional;

/**
 * What every ready data-plane pod of one store (or the one configured address) last said of everything it serves.
 * No answers means no pod was ready.
 */
public record StoreReports(List<DataPlaneClient.PodAnswer> pods) {
    public StoreReports {
        pods = List.copyOf(pods);
    }

    public static StoreReports noReadyPods() {
        return new StoreReports(List.of());
    }

    /** What the pods said of view {@code name}. */
    public ServingObservation view(String name) {
        return new ServingObservation(pods.stream()
                .map(pod -> pod instanceof DataPlaneClient.Reports reports
                        ? reports.view(name)
                        : new DataPlaneClient.Unreachable(((DataPlaneClient.PodUnreachable) pod).reason()))
                .toList());
    }

    /** Why pods keep serving a previous configuration instead of the newest one, one entry per such pod. */
    public List<String> configurationErrors() {
        return pods.stream()
                .flatMap(pod -> pod instanceof DataPlaneClient.Reports reports
                        ? Optional.ofNullable(reports.report().configurationError()).stream()
                        : java.util.stream.Stream.empty())
                .toList();
    }
}
