package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The FeatureStore custom resource as serving reads it from YAML. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureStore(String apiVersion, String kind, ObjectMeta metadata, FeatureStoreSpec spec) {
    public static final String KIND = "FeatureStore";

    public static FeatureStore of(String name, FeatureStoreSpec spec) {
        return new FeatureStore(ApiVersions.V1ALPHA1, KIND, ObjectMeta.named(name), spec);
    }

    public String name() {
        return metadata == null ? null : metadata.name();
    }
}
