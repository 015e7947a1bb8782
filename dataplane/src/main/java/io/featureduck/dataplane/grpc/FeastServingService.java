package io.featureduck.dataplane.grpc;

import feast.proto.serving.ServingAPIProto.GetFeastServingInfoResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.Version;
import io.featureduck.dataplane.lookup.FeatureList;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.lookup.OnlineLookup;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.OnlineIndex;
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

    private final OnlineLookup lookup;

    FeastServingService(OnlineLookup lookup) {
        this.lookup = lookup;
    }

    GetFeastServingInfoResponse info() {
        return INFO;
    }

    /** The serialized {@code GetOnlineFeaturesResponse} and the value of the {@value #TABLE_VERSIONS_HEADER} header. */
    record Answer(byte[] response, String tableVersions) {}

    Answer onlineFeatures(GetOnlineFeaturesRequest request, Grant grant) {
        ProtoColumns entities = new ProtoColumns(request.getEntitiesMap());
        ProtoColumns context = new ProtoColumns(request.getRequestContextMap());
        // Feast's Java client sends request data as extra entity columns, its Go server in request_context.
        RequestColumns requestData = RequestColumns.union(context, entities);
        OnlineAnswer answer = lookup.answer(
                new OnlineRequest(
                        features(request),
                        featureService(request),
                        entities,
                        requestData,
                        request.getFullFeatureNames()),
                grant);
        byte[] response = ProtoAnswerWriter.write(entities, answer, lookup.views()::checkResponseSize);
        StringJoiner versions = new StringJoiner(",");
        for (OnlineIndex index : answer.indexes()) {
            versions.add(index.view().name() + "=" + index.tableVersion());
        }
        return new Answer(response, versions.toString());
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
