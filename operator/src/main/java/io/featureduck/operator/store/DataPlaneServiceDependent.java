package io.featureduck.operator.store;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.featureduck.crds.FeatureStore;
import io.featureduck.operator.dataplane.DataPlaneNames;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The ClusterIP Service in front of a store's data-plane pods: the HTTP and gRPC API ports clients use, and the
 * management port for metrics. In a sharded store it selects every pod of the active layout: any pod answers any
 * request.
 */
public final class DataPlaneServiceDependent extends CRUDKubernetesDependentResource<Service, FeatureStore> {
    public DataPlaneServiceDependent() {
        super(Service.class);
    }

    /**
     * Feast's gRPC ServingService and registry, and the shards' protocol: HTTP/2 (cleartext, or TLS with the API
     * port's certificate). The store's Service and each shard's headless Service expose it alike.
     */
    static ServicePort grpcPort(FeatureStore store) {
        return new ServicePortBuilder()
                .withName("grpc")
                .withProtocol("TCP")
                .withPort(store.getSpec().effectiveDataPlane().effectiveGrpcPort())
                .withAppProtocol(DataPlaneNames.grpcAppProtocol(store))
                .withTargetPort(new IntOrString("grpc"))
                .build();
    }

    @Override
    protected Service desired(FeatureStore store, Context<FeatureStore> context) {
        return new ServiceBuilder()
                .withMetadata(DataPlaneNames.metadata(store, DataPlaneNames.dataPlane(store)))
                .withNewSpec()
                .withType("ClusterIP")
                // The pods of the layout clients are routed to: during a reshard, the old one until the switch.
                .withSelector(DataPlaneNames.layoutSelector(
                        store, ShardLayouts.of(store).active()))
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(DataPlaneNames.HTTP_PORT)
                .withAppProtocol(DataPlaneNames.scheme(store))
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .addToPorts(grpcPort(store))
                // Feast's remote offline store protocol, Arrow Flight: gRPC too.
                .addNewPort()
                .withName("flight")
                .withProtocol("TCP")
                .withPort(store.getSpec().effectiveDataPlane().effectiveOfflinePort())
                .withAppProtocol(DataPlaneNames.grpcAppProtocol(store))
                .withTargetPort(new IntOrString("flight"))
                .endPort()
                // Prometheus scrapes /metrics here; the port carries no feature values and needs no token.
                .addNewPort()
                .withName("metrics")
                .withProtocol("TCP")
                .withPort(DataPlaneNames.MANAGEMENT_PORT)
                .withTargetPort(new IntOrString("management"))
                .endPort()
                .endSpec()
                .build();
    }
}
