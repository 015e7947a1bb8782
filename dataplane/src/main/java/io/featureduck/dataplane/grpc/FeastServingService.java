package io.featureduck.dataplane.grpc;

import feast.proto.serving.ServingAPIProto.GetFeastServingInfoResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.Version;
import io.featureduck.dataplane.lookup.FeatureList;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.shard.ShardRouter;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Feast's {@code feast.serving.ServingService}, answered from the same {@link OnlineLookup} as the HTTP routes, so a
 * gRPC answer and an HTTP answer to the same request are the same values, statuses and times.
 */
final class FeastServingService {
    /** The response header naming the table version each view answered from: {@code view=version,...}. */
    static final String TABLE_VERSIONS_HEADER = "featureduck-table-versions";

    private static final GetFeastServingInfoResponse INFO = GetFeastServingInfoResponse.newBuilder()
            .setVersion("featureduck-" + Version.CURRENT)
            .build();

    private final ShardRouter router;

    FeastServingService(ShardRouter router) {
        this.router = router;
    }

    GetFeastServingInfoResponse info() {
        return INFO;
    }

    /** The serialized {@code GetOnlineFeaturesResponse} and the value of the {@value #TABLE_VERSIONS_HEADER} header. */
    record Answer(byte[] response, String tableVersions) {}

    Future<Answer> onlineFeatures(GetOnlineFeaturesRequest request, Grant grant, Optional<String> authorization) {
        ProtoColumns entities = new ProtoColumns(request.getEntitiesMap());
        ProtoColumns context = new ProtoColumns(request.getRequestContextMap());
        // Feast's Java client sends request data as extra entity columns, its Go server in request_context.
        RequestColumns requestData = RequestColumns.union(context, entities);
        OnlineRequest online = new OnlineRequest(
                features(request), featureService(request), entities, requestData, request.getFullFeatureNames());
        return router.answer(online, grant, authorization).map(answer -> {
            byte[] response =
                    ProtoAnswerWriter.write(entities, answer, router.lookup().views()::checkResponseSize);
            StringJoiner versions = new StringJoiner(",");
            for (OnlineIndex index : answer.indexes()) {
                // Shards that served different versions for one answer: each, joined by '|'.
                StringJoiner served = new StringJoiner("|");
                index.holding().versions().forEach(version -> served.add(Long.toString(version)));
                versions.add(index.view().name() + "=" + served);
            }
            return new Answer(response, versions.toString());
        });
    }

    private static FeatureList features(GetOnlineFeaturesRequest request) {
        return request.getKindCase() == GetOnlineFeaturesRequest.KindCase.FEATURES
                ? new ProtoFeatureList(request.getFeatures().getValList())
                : FeatureList.of(List.of());
    }

    private static Optional<String> featureService(GetOnlineFeaturesRequest request) {
        return request.getKindCase() == GetOnlineFeaturesRequest.KindCase.FEATURE_SERVICE
                ? Optional.of(request.getFeatureService())
                : Optional.empty();
    }
}
