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
 * A named set of features from one or more views of a store, Feast's feature service: what a model is trained and
 * served with, asked for by name ({@code feature_service}) instead of by listing every feature.
 */
@Group(ApiVersions.GROUP)
@Version(ApiVersions.VERSION)
@ShortNames("fsvc")
@AdditionalPrinterColumn(name = "Store", jsonPath = ".spec.store")
@AdditionalPrinterColumn(
        name = "Features",
        jsonPath = ".status.featureCount",
        type = AdditionalPrinterColumn.Type.INTEGER,
        getDescription = "features the service resolves to")
@AdditionalPrinterColumn(name = "Accepted", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
        value = "self.metadata.name.matches('" + SpecValidator.NAME_PATTERN + "')",
        message = "the name must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter "
                + "or digit (clients name the service in requests)")
@ValidationRule(
        value = "size(self.metadata.name) <= " + SpecValidator.MAX_NAME_LENGTH,
        message = "the name must be at most " + SpecValidator.MAX_NAME_LENGTH + " characters")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureService extends CustomResource<FeatureServiceSpec, FeatureServiceStatus> implements Namespaced {
    /** Fabric8 resources are Serializable; this class adds no state of its own to the form it serializes. */
    private static final long serialVersionUID = 1L;

    public static final String KIND = "FeatureService";

    public static FeatureService of(String name, FeatureServiceSpec spec) {
        FeatureService service = new FeatureService();
        service.setMetadata(new ObjectMetaBuilder().withName(name).build());
        service.setSpec(spec);
        return service;
    }

    @JsonIgnore
    public String name() {
        return getMetadata() == null ? null : getMetadata().getName();
    }

    public FeatureServiceSpec spec() {
        return getSpec();
    }
}
