package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A lakehouse and the data plane serving the FeatureViews assigned to it. The same class is the custom resource the
 * operator reconciles and the first document of a data plane's serving configuration.
 */
@Group(ApiVersions.GROUP)
@Version(ApiVersions.VERSION)
@ShortNames("fs")
@AdditionalPrinterColumn(name = "Format", jsonPath = ".spec.lakehouse.format")
@AdditionalPrinterColumn(
        name = "Replicas",
        jsonPath = ".status.readyReplicas",
        type = AdditionalPrinterColumn.Type.INTEGER,
        getDescription = "data-plane pods ready")
@AdditionalPrinterColumn(name = "Views", jsonPath = ".status.viewCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Shards",
        jsonPath = ".status.activeShards",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
        value = "self.metadata.name.matches('" + SpecValidator.NAME_PATTERN + "')",
        message = "the name must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter "
                + "or digit (it is used in URLs, feature references and the names of generated objects)")
@ValidationRule(
        value = "size(self.metadata.name) <= " + SpecValidator.MAX_NAME_LENGTH,
        message = "the name must be at most " + SpecValidator.MAX_NAME_LENGTH + " characters")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureStore extends CustomResource<FeatureStoreSpec, FeatureStoreStatus> implements Namespaced {
    /** Fabric8 resources are Serializable; this class adds no state of its own to the form it serializes. */
    private static final long serialVersionUID = 1L;

    public static final String KIND = "FeatureStore";

    public static FeatureStore of(String name, FeatureStoreSpec spec) {
        FeatureStore store = new FeatureStore();
        store.setMetadata(new ObjectMetaBuilder().withName(name).build());
        store.setSpec(spec);
        return store;
    }

    @JsonIgnore
    public String name() {
        return getMetadata() == null ? null : getMetadata().getName();
    }

    public FeatureStoreSpec spec() {
        return getSpec();
    }
}
