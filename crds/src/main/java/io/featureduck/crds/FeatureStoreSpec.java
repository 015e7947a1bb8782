package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A lakehouse and the data plane that serves the views assigned to it.
 *
 * @param lakehouse where the tables are and their default format
 * @param dataPlane how the serving pods run; at least its {@code auth}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.dataPlane) && has(self.dataPlane.auth)",
        message = DataPlaneSpec.AuthSpec.REQUIRED,
        fieldPath = ".dataPlane.auth")
public record FeatureStoreSpec(
        @Required @JsonPropertyDescription("Where the tables are and their default format")
        LakehouseSpec lakehouse,

        @JsonPropertyDescription("How the serving pods run; auth is required")
        DataPlaneSpec dataPlane) {
    public DataPlaneSpec effectiveDataPlane() {
        return dataPlane == null ? DataPlaneSpec.defaults() : dataPlane;
    }
}
