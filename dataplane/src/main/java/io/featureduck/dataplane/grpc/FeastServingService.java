package io.featureduck.dataplane.grpc;

import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.FieldStatus;
import feast.proto.serving.ServingAPIProto.GetFeastServingInfoResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesRequest;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse.FeatureVector;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponseMetadata;
import feast.proto.types.ValueProto.RepeatedValue;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.Version;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.AnswerFeature;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.lookup.OnlineLookup;
import io.featureduck.dataplane.lookup.OnlineRequest;
import io.featureduck.dataplane.lookup.RequestColumns;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import java.util.ArrayList;
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
            .setVersion("featureduck-" + Version.CURRENT).build();

    /** Feast's FieldStatus of each LookupStatus, by ordinal: the statuses share their names. */
    private static final FieldStatus[] FIELD_STATUS = new FieldStatus[LookupStatus.values().length];

    static {
        for (LookupStatus status : LookupStatus.values()) {
            FIELD_STATUS[status.ordinal()] = FieldStatus.valueOf(status.name());
        }
    }

    private final OnlineLookup lookup;

    FeastServingService(OnlineLookup lookup) {
        this.lookup = lookup;
    }

    GetFeastServingInfoResponse info() {
        return INFO;
    }

    /** The answer and the value of the {@value #TABLE_VERSIONS_HEADER} header. */
    record Answer(GetOnlineFeaturesResponse response, String tableVersions) {
    }

    Answer onlineFeatures(GetOnlineFeaturesRequest request, Grant grant) {
        ProtoColumns entities = new ProtoColumns(request.getEntitiesMap());
        ProtoColumns context = new ProtoColumns(request.getRequestContextMap());
        // Feast's Java client sends request data as extra entity columns, its Go server in request_context.
        RequestColumns requestData = RequestColumns.union(context, entities);
        OnlineAnswer answer = lookup.answer(new OnlineRequest(features(request), featureService(request), entities,
                requestData, request.getFullFeatureNames()), grant);
        GetOnlineFeaturesResponse response = render(entities, answer);
        lookup.views().checkResponseSize(response.getSerializedSize());
        StringJoiner versions = new StringJoiner(",");
        for (OnlineIndex index : answer.indexes()) {
            versions.add(index.view().name() + "=" + index.tableVersion());
        }
        return new Answer(response, versions.toString());
    }

    private static List<FeatureRef> features(GetOnlineFeaturesRequest request) {
        if (request.getKindCase() != GetOnlineFeaturesRequest.KindCase.FEATURES) {
            return List.of();
        }
        List<String> refs = request.getFeatures().getValList();
        if (refs.isEmpty()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "features must name at least one view:feature");
        }
        List<FeatureRef> features = new ArrayList<>(refs.size());
        for (String ref : refs) {
            try {
                features.add(FeatureRef.parse(ref));
            } catch (IllegalArgumentException e) {
                throw new FeatureDuckException(ErrorCode.INVALID_FEATURE_REF, e.getMessage());
            }
        }
        return features;
    }

    private static Optional<String> featureService(GetOnlineFeaturesRequest request) {
        return request.getKindCase() == GetOnlineFeaturesRequest.KindCase.FEATURE_SERVICE
                ? Optional.of(request.getFeatureService()) : Optional.empty();
    }

    private static GetOnlineFeaturesResponse render(ProtoColumns entities, OnlineAnswer answer) {
        int count = answer.entities();
        FeatureList.Builder names = FeatureList.newBuilder();
        GetOnlineFeaturesResponse.Builder out = GetOnlineFeaturesResponse.newBuilder();
        for (String name : entities.names()) {
            names.addVal(name);
            RepeatedValue column = entities.column(name);
            FeatureVector.Builder vector = FeatureVector.newBuilder().addAllValues(column.getValList());
            // Feast's Java client reads a status and a time for every value, entity columns included.
            for (int e = 0; e < count; e++) {
                vector.addStatuses(FieldStatus.PRESENT).addEventTimestamps(FeastValues.EPOCH);
            }
            out.addResults(vector);
        }
        for (int f = 0; f < answer.features().size(); f++) {
            AnswerFeature feature = answer.features().get(f);
            names.addVal(feature.outputName());
            FeatureVector.Builder vector = FeatureVector.newBuilder();
            for (int e = 0; e < count; e++) {
                LookupStatus status = answer.status(f, e);
                vector.addValues(status == LookupStatus.PRESENT
                        ? FeastValues.of(answer.value(f, e), feature.type()) : FeastValues.ABSENT);
                vector.addStatuses(FIELD_STATUS[status.ordinal()]);
                vector.addEventTimestamps(answer.found(f, e) ? FeastValues.timestamp(answer.eventMicros(f, e))
                        : FeastValues.EPOCH);
            }
            out.addResults(vector);
        }
        return out.setMetadata(GetOnlineFeaturesResponseMetadata.newBuilder().setFeatureNames(names)).build();
    }
}
