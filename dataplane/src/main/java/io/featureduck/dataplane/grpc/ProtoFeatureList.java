package io.featureduck.dataplane.grpc;

import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.FeatureList;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code features} of a gRPC request as the strings protobuf decoded: the plan cache compares them as they are,
 * so a repeated list is resolved once and its references parsed only when the list is new.
 */
final class ProtoFeatureList implements FeatureList {
    private final List<String> refs;

    ProtoFeatureList(List<String> refs) {
        this.refs = refs;
    }

    /** False even for an empty list: the request chose a feature list over a feature service, so it is refused. */
    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public List<FeatureRef> refs() {
        if (refs.isEmpty()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "features must name at least one view:feature");
        }
        List<FeatureRef> features = new ArrayList<>(refs.size());
        for (String ref : refs) {
            features.add(FeatureRef.parse(ref));
        }
        return features;
    }

    @Override
    public int cacheHash() {
        return refs.hashCode();
    }

    @Override
    public Object cacheKey() {
        return List.copyOf(refs);
    }

    @Override
    public boolean matches(Object key) {
        return refs.equals(key);
    }
}
