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
 * Features read from one lakehouse table, keyed by entities, served by one FeatureStore. The same class is the custom
 * resource the operator reconciles and a document of a data plane's serving configuration.
 */
@Group(ApiVersions.GROUP)
@Version(ApiVersions.VERSION)
@ShortNames("fv")
@AdditionalPrinterColumn(name = "Store", jsonPath = ".spec.store")
@AdditionalPrinterColumn(name = "Format", jsonPath = ".status.format")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
        name = "Version",
        jsonPath = ".status.tableVersion",
        type = AdditionalPrinterColumn.Type.INTEGER,
        getDescription = "table version served")
@AdditionalPrinterColumn(
        name = "Pinned",
        jsonPath = ".status.pinned",
        getDescription = "the table version the view is pinned to, if any")
@AdditionalPrinterColumn(
        name = "Rows",
        jsonPath = ".status.rows",
        type = AdditionalPrinterColumn.Type.INTEGER,
        getDescription = "rows (entities) in the online index")
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
public class FeatureView extends CustomResource<FeatureViewSpec, FeatureViewStatus> implements Namespaced {
    /** Fabric8 resources are Serializable; this class adds no state of its own to the form it serializes. */
    private static final long serialVersionUID = 1L;

    public static final String KIND = "FeatureView";

    public static FeatureView of(String name, FeatureViewSpec spec) {
        FeatureView view = new FeatureView();
        view.setMetadata(new ObjectMetaBuilder().withName(name).build());
        view.setSpec(spec);
        return view;
    }

    @JsonIgnore
    public String name() {
        return getMetadata() == null ? null : getMetadata().getName();
    }

    public FeatureViewSpec spec() {
        return getSpec();
    }
}
