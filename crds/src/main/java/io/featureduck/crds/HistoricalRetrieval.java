package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A training set built on Spark: the point-in-time retrieval of a store's features for a table of entity rows, or for
 * every entity and event time of the views in a time range, run once by the Spark operator as a
 * {@code SparkApplication} the FeatureDuck operator creates from the data plane's plan ({@code docs/SPARK.md}).
 */
@Group(ApiVersions.GROUP)
@Version(ApiVersions.VERSION)
@ShortNames("hret")
@AdditionalPrinterColumn(name = "Store", jsonPath = ".spec.store")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(
        name = "Rows",
        jsonPath = ".status.rows",
        type = AdditionalPrinterColumn.Type.INTEGER,
        getDescription = "rows written")
@AdditionalPrinterColumn(name = "Output", jsonPath = ".spec.output.uri", priority = 1)
@AdditionalPrinterColumn(name = "Application", jsonPath = ".status.sparkApplication", priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoricalRetrieval extends CustomResource<HistoricalRetrievalSpec, HistoricalRetrievalStatus>
        implements Namespaced {
    /** Fabric8 resources are Serializable; this class adds no state of its own to the form it serializes. */
    private static final long serialVersionUID = 1L;

    public static final String KIND = "HistoricalRetrieval";

    public static HistoricalRetrieval of(String name, HistoricalRetrievalSpec spec) {
        HistoricalRetrieval retrieval = new HistoricalRetrieval();
        retrieval.setMetadata(new ObjectMetaBuilder().withName(name).build());
        retrieval.setSpec(spec);
        return retrieval;
    }

    @JsonIgnore
    public String name() {
        return getMetadata() == null ? null : getMetadata().getName();
    }

    public HistoricalRetrievalSpec spec() {
        return getSpec();
    }
}
