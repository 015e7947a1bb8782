package io.featureduck.operator.dataplane;

import io.featureduck.crds.report.ViewReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What every ready data-plane pod of one store (or the one configured address) last said of everything it serves.
 * No answers means no pod was ready.
 */
public record StoreReports(List<DataPlaneClient.PodAnswer> pods, List<Integer> layouts) {
    /**
     * @param pods    each ready pod's answer
     * @param layouts the shard count of each pod's layout, in the order of {@code pods}; empty when the pods were asked
     *                through the store's Service (which routes to the active layout only)
     */
    public StoreReports {
        pods = List.copyOf(pods);
        layouts = List.copyOf(layouts);
    }

    public StoreReports(List<DataPlaneClient.PodAnswer> pods) {
        this(pods, List.of());
    }

    public static StoreReports noReadyPods() {
        return new StoreReports(List.of());
    }

    /** The answers of the pods of a layout of {@code shards}; {@code active} is the layout the Service routes to. */
    public List<DataPlaneClient.PodAnswer> of(int shards, int active) {
        if (layouts.isEmpty()) {
            return shards == active ? pods : List.of();
        }
        List<DataPlaneClient.PodAnswer> answers = new ArrayList<>();
        for (int i = 0; i < pods.size(); i++) {
            if (layouts.get(i) == shards) {
                answers.add(pods.get(i));
            }
        }
        return answers;
    }

    /**
     * The table versions the pods of a layout serve, by view; null when a pod of it could not be asked or serves no
     * index of some view yet.
     */
    public Map<String, Set<Long>> versions(int shards, int active) {
        Map<String, Set<Long>> versions = new TreeMap<>();
        for (DataPlaneClient.PodAnswer pod : of(shards, active)) {
            if (!(pod instanceof DataPlaneClient.Reports reports)) {
                return null;
            }
            for (ViewReport view : reports.report().views()) {
                if (view.online() && view.tableVersion() == null) {
                    return null;
                }
                if (view.tableVersion() != null) {
                    versions.computeIfAbsent(view.name(), v -> new TreeSet<>()).add(view.tableVersion());
                }
            }
        }
        return versions;
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
