package io.featureduck.operator.dataplane;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.featureduck.crds.DataPlaneSpec;
import io.featureduck.crds.FeatureStore;
import java.util.Map;
import java.util.Optional;

/**
 * Names and labels of everything the operator creates for a FeatureStore, derived here and only here so that the
 * reconcilers, the dependents and the tests agree.
 */
public final class DataPlaneNames {
    public static final String CONFIG_FILE = "feature-store.yaml";
    public static final String CONFIG_MOUNT = "/etc/featureduck";
    /** Where data files fetched from object stores are kept, on an emptyDir sized by spec.dataPlane.fileCacheSize. */
    public static final String FILE_CACHE_MOUNT = "/var/cache/featureduck";

    public static final int HTTP_PORT = io.featureduck.crds.DataPlaneSpec.DEFAULT_HTTP_PORT;
    public static final int MANAGEMENT_PORT = io.featureduck.crds.DataPlaneSpec.DEFAULT_MANAGEMENT_PORT;
    /** Where the store's bearer-token Secret is mounted, and the file of its tokens. */
    public static final String TOKENS_MOUNT = "/etc/featureduck-auth";

    public static final String TOKENS_FILE = TOKENS_MOUNT + "/" + DataPlaneSpec.AuthSpec.TOKENS_KEY;
    /** Where the tokens that may push are mounted: apart from the read tokens, from their own Secret. */
    public static final String WRITE_TOKENS_MOUNT = "/etc/featureduck-write-auth";

    public static final String WRITE_TOKENS_FILE = WRITE_TOKENS_MOUNT + "/" + DataPlaneSpec.AuthSpec.TOKENS_KEY;
    /** Where the store's TLS Secret is mounted. */
    public static final String TLS_MOUNT = "/etc/featureduck-tls";

    public static final String MANAGED_BY = "featureduck-operator";
    /** Selects what the operator manages, so its informers never cache anyone else's ConfigMaps or Deployments. */
    public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=" + MANAGED_BY;

    private DataPlaneNames() {}

    public static String dataPlane(FeatureStore store) {
        return dataPlane(store.getMetadata().getName());
    }

    /** The Deployment and Service of the store named {@code store}. */
    public static String dataPlane(String store) {
        return store + "-dataplane";
    }

    /** The in-cluster address clients use: the store's Service. */
    public static String serviceUrl(FeatureStore store) {
        return scheme(store) + "://" + dataPlane(store) + "."
                + store.getMetadata().getNamespace() + ".svc:" + HTTP_PORT;
    }

    /** {@code https} when the store serves its API over TLS. */
    public static String scheme(FeatureStore store) {
        return store.getSpec() != null && store.getSpec().effectiveDataPlane().tls() != null ? "https" : "http";
    }

    /**
     * The gRPC port's application protocol, for meshes and gateways: {@code kubernetes.io/h2c} for cleartext HTTP/2,
     * {@code grpc} over TLS.
     */
    public static String grpcAppProtocol(FeatureStore store) {
        return scheme(store).equals("https") ? "grpc" : "kubernetes.io/h2c";
    }

    public static String servingConfig(FeatureStore store) {
        return store.getMetadata().getName() + "-serving-config";
    }

    /** The label naming the store an object belongs to. */
    public static final String STORE_LABEL = "app.kubernetes.io/instance";

    /** The store an object the operator made belongs to, by its label. */
    public static Optional<String> storeOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return Optional.ofNullable(labels == null ? null : labels.get(STORE_LABEL));
    }

    /** Labels that select the store's pods; stable for the life of the store, as a Deployment selector must be. */
    public static Map<String, String> selector(FeatureStore store) {
        return Map.of(
                "app.kubernetes.io/name",
                "featureduck-dataplane",
                STORE_LABEL,
                store.getMetadata().getName());
    }

    /**
     * Metadata of an object the operator creates for {@code store}: its name, the store's namespace, our labels, and
     * the store as its controlling owner. The framework would add a plain owner reference; marking it the controller
     * is what makes {@code kubectl describe} say "Controlled By" and keeps another controller from adopting the
     * object. Deleting the store deletes the object through the garbage collector either way.
     */
    public static ObjectMeta metadata(FeatureStore store, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(store.getMetadata().getNamespace())
                .withLabels(labels(store))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(store.getApiVersion())
                        .withKind(store.getKind())
                        .withName(store.getMetadata().getName())
                        .withUid(store.getMetadata().getUid())
                        .withController(true)
                        .build())
                .build();
    }

    public static Map<String, String> labels(FeatureStore store) {
        return Map.of(
                "app.kubernetes.io/name",
                "featureduck-dataplane",
                STORE_LABEL,
                store.getMetadata().getName(),
                "app.kubernetes.io/component",
                "data-plane",
                "app.kubernetes.io/part-of",
                "featureduck",
                "app.kubernetes.io/managed-by",
                MANAGED_BY);
    }

    /** The shard count of the layout a shard's objects belong to. */
    public static final String SHARDS_LABEL = "featureduck.io/shards";

    /** The shard, of its layout, a shard's objects belong to. */
    public static final String SHARD_LABEL = "featureduck.io/shard";

    /** The name label of shard pods: unlike an unsharded store's pods, so no selector of one matches the other. */
    static final String SHARD_POD_NAME = "featureduck-dataplane-shard";

    /** The Deployment, headless Service and disruption budget of shard {@code index} of a layout of {@code count}. */
    public static String shard(FeatureStore store, int index, int count) {
        return dataPlane(store) + "-" + index + "-of-" + count;
    }

    /** Labels that select the pods of one shard; stable for the life of its Deployment. */
    public static Map<String, String> shardSelector(FeatureStore store, int index, int count) {
        return Map.of(
                "app.kubernetes.io/name",
                SHARD_POD_NAME,
                STORE_LABEL,
                store.getMetadata().getName(),
                SHARDS_LABEL,
                Integer.toString(count),
                SHARD_LABEL,
                Integer.toString(index));
    }

    /** Labels that select every pod of a layout of {@code count} shards: what the store's Service routes to. */
    public static Map<String, String> layoutSelector(FeatureStore store, int count) {
        return count == 1
                ? selector(store)
                : Map.of(
                        "app.kubernetes.io/name",
                        SHARD_POD_NAME,
                        STORE_LABEL,
                        store.getMetadata().getName(),
                        SHARDS_LABEL,
                        Integer.toString(count));
    }

    /** The labels of a shard's objects and pods. */
    public static Map<String, String> shardLabels(FeatureStore store, int index, int count) {
        Map<String, String> labels = new java.util.HashMap<>(labels(store));
        labels.putAll(shardSelector(store, index, count));
        return Map.copyOf(labels);
    }

    /** Metadata of one shard's object: as {@link #metadata}, with the shard's labels. */
    public static ObjectMeta shardMetadata(FeatureStore store, int index, int count) {
        ObjectMeta metadata = metadata(store, shard(store, index, count));
        metadata.setLabels(shardLabels(store, index, count));
        return metadata;
    }

    /** The shard count of the layout an object belongs to: 1 for an unsharded store's objects. */
    public static int shardsOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String value = labels == null ? null : labels.get(SHARDS_LABEL);
        return value == null ? 1 : Integer.parseInt(value);
    }

    /** Selects the operator's objects of unsharded layouts only, or of shards only. */
    public static final String UNSHARDED_SELECTOR = MANAGED_SELECTOR + ",!" + SHARD_LABEL;

    public static final String SHARDED_SELECTOR = MANAGED_SELECTOR + "," + SHARD_LABEL;
}
