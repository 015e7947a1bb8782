package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The FeatureView custom resource as serving reads it from YAML. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureView(String apiVersion, String kind, ObjectMeta metadata, FeatureViewSpec spec) {
    public static final String KIND = "FeatureView";

    public static FeatureView of(String name, FeatureViewSpec spec) {
        return new FeatureView(ApiVersions.V1ALPHA1, KIND, ObjectMeta.named(name), spec);
    }

    public String name() {
        return metadata == null ? null : metadata.name();
    }
}
