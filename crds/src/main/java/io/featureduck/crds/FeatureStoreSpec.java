package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A lakehouse and the data plane that serves the views assigned to it.
 *
 * @param lakehouse where the tables are and their default format
 * @param dataPlane how the serving pods run (optional)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureStoreSpec(LakehouseSpec lakehouse, DataPlaneSpec dataPlane) {
    public DataPlaneSpec effectiveDataPlane() {
        return dataPlane == null ? DataPlaneSpec.defaults() : dataPlane;
    }
}
