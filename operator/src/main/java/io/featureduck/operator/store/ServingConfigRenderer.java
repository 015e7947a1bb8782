package io.featureduck.operator.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a store's serving configuration: the multi-document YAML a data plane reads with {@code featureduck serve
 * -f}, holding the FeatureStore and the FeatureViews and FeatureServices it serves, in exactly the shape a user writes by hand. Only
 * kind, name and spec are kept (no status, uid or resourceVersion), and views and services are sorted by name, so the same
 * resources always give the same bytes and an unrelated change never rewrites the ConfigMap.
 */
public final class ServingConfigRenderer {
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setDefaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

    public String render(FeatureStore store, List<FeatureView> views, List<FeatureService> services) {
        StringBuilder out = new StringBuilder("# Serving configuration of FeatureStore '")
                .append(store.getMetadata().getName())
                .append("', written by the FeatureDuck operator from the store, ")
                .append(views.size())
                .append(views.size() == 1 ? " FeatureView" : " FeatureViews")
                .append(" and ")
                .append(services.size())
                .append(services.size() == 1 ? " FeatureService" : " FeatureServices")
                .append(
                        " assigned to it.\n# Serve it locally with: featureduck serve -f <this file> --lakehouse-root <copy of the lakehouse>\n");
        out.append(document(
                store.getApiVersion(), store.getKind(), store.getMetadata().getName(), store.getSpec()));
        for (FeatureView view : views) {
            out.append("---\n")
                    .append(document(
                            view.getApiVersion(),
                            view.getKind(),
                            view.getMetadata().getName(),
                            view.getSpec()));
        }
        for (FeatureService service : services) {
            out.append("---\n")
                    .append(document(
                            service.getApiVersion(),
                            service.getKind(),
                            service.getMetadata().getName(),
                            service.getSpec()));
        }
        return out.toString();
    }

    private String document(String apiVersion, String kind, String name, Object spec) {
        ObjectNode document = yaml.createObjectNode();
        document.put("apiVersion", apiVersion);
        document.put("kind", kind);
        document.putObject("metadata").put("name", name);
        document.set("spec", yaml.valueToTree(spec));
        try {
            return yaml.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the serving configuration of " + kind + " " + name, e);
        }
    }
}
