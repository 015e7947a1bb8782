package io.featureduck.operator.dataplane;

import io.fabric8.kubernetes.api.model.Pod;
import io.featureduck.operator.config.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The reports of each store's data-plane pods, shared by the FeatureStore and FeatureView controllers: a store's
 * pods are asked once per {@code FEATUREDUCK_STATUS_INTERVAL} ({@code GET /views}, every view at once), however many
 * views the store has and whichever controller polls first; the others read the same answers.
 */
public final class DataPlaneReports {
    private final OperatorSettings settings;
    private final DataPlaneClient client;
    private final Clock clock;
    private final Map<String, Fetched> latest = new ConcurrentHashMap<>();

    private record Fetched(Instant at, CompletableFuture<StoreReports> reports) {}

    public DataPlaneReports(OperatorSettings settings, DataPlaneClient client, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.clock = clock;
    }

    /**
     * The latest reports of {@code store}'s pods, asked anew when older than half the status interval (so that the
     * polls of one interval, a little apart, share one request per pod).
     *
     * @param pods the data-plane pods the caller's informer holds, of every store in the namespace
     */
    public StoreReports of(String namespace, String store, Stream<Pod> pods) {
        Duration fresh = settings.statusInterval().dividedBy(2);
        Instant now = clock.instant();
        CompletableFuture<StoreReports> asked = new CompletableFuture<>();
        // The map only records who asks; the pods are asked outside its lock, and a second poller of the same store
        // waits for those answers instead of asking again.
        Fetched fetched = latest.compute(
                namespace + "/" + store,
                (key, previous) -> previous != null && previous.at().plus(fresh).isAfter(now)
                        ? previous
                        : new Fetched(now, asked));
        if (fetched.reports() == asked) {
            try {
                asked.complete(fetch(namespace, store, pods));
            } catch (RuntimeException e) {
                asked.completeExceptionally(e);
                latest.remove(namespace + "/" + store, fetched);
                throw e;
            }
        }
        return fetched.reports().join();
    }

    private StoreReports fetch(String namespace, String store, Stream<Pod> pods) {
        if (!settings.addressesPods()) {
            return new StoreReports(List.of(client.views(settings.dataPlaneUrl(
                    DataPlaneNames.dataPlane(store), namespace, DataPlaneNames.MANAGEMENT_PORT))));
        }
        List<Pod> ready = pods.filter(pod -> isReady(pod)
                        && DataPlaneNames.storeOf(pod).filter(store::equals).isPresent())
                .sorted(java.util.Comparator.comparing(pod -> pod.getStatus().getPodIP()))
                .toList();
        return new StoreReports(
                ready.stream()
                        .map(pod -> client.views(
                                settings.podUrl(pod.getStatus().getPodIP(), DataPlaneNames.MANAGEMENT_PORT)))
                        .toList(),
                ready.stream().map(DataPlaneNames::shardsOf).toList());
    }

    /** Whether {@code pod} is a ready, running data-plane pod with an address: one that can be asked. */
    public static boolean isReady(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getPodIP() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                && pod.getMetadata().getDeletionTimestamp() == null;
    }
}
