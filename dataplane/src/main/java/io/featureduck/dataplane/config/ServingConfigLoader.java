package io.featureduck.dataplane.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featureduck.crds.ApiVersions;
import io.featureduck.crds.CatalogType;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.KubeDuration;
import io.featureduck.crds.TablePin;
import io.featureduck.crds.Violation;
import io.featureduck.crds.admission.Admission;
import io.featureduck.crds.admission.AdmittedView;
import io.featureduck.crds.admission.StoreAdmission;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a serving configuration: a multi-document YAML file holding one FeatureStore, its FeatureViews and its
 * FeatureServices, in the same shape as the custom resources. Every problem is reported at once, each naming file, resource and field.
 */
public final class ServingConfigLoader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServingConfigLoader.class);
    private final ObjectMapper yaml =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Path lakehouseRoot;

    public ServingConfigLoader() {
        this(null);
    }

    private ServingConfigLoader(Path lakehouseRoot) {
        this.lakehouseRoot = lakehouseRoot;
    }

    /**
     * A loader that reads the store's tables from {@code root} instead of {@code spec.lakehouse.root}: what a pod
     * sees at its volume's mount path, a developer has somewhere else.
     */
    public ServingConfigLoader withLakehouseRoot(Path root) {
        return new ServingConfigLoader(root.toAbsolutePath().normalize());
    }

    /**
     * Reads {@code file}: one FeatureStore, its FeatureViews and FeatureServices.
     *
     * <p>The definitions are admitted as the operator admits them ({@link StoreAdmission}); this adds only what needs
     * the files (symbolic links out of the lakehouse). What is wrong with the store, or a document that names no view
     * or service, fails the whole file (there is nothing to serve without them). What is wrong with one FeatureView
     * leaves that view out, with every reason, in {@link ServingConfig#refused()}: the store's other views serve. A
     * FeatureService that does not resolve is left out alone and logged. Two views that claim one push source both
     * serve without pushes, and say why.
     *
     * @throws DefinitionException naming the file-wide problems
     */
    public ServingConfig load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        List<JsonNode> documents = readDocuments(absolute);
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> refusals = new LinkedHashMap<>();
        Map<String, List<String>> serviceRefusals = new LinkedHashMap<>();
        List<FeatureStore> stores = new ArrayList<>();
        List<FeatureView> views = new ArrayList<>();
        List<FeatureService> services = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
                continue;
            }
            String kind = document.path("kind").asText("");
            String name = document.path("metadata").path("name").asText("");
            String where = "document " + (i + 1) + " (" + (kind.isEmpty() ? "no kind" : kind) + " '"
                    + (name.isEmpty() ? "?" : name) + "')";
            // A view's or a service's own mistakes are its own, once it has a name to be reported under.
            List<String> found = FeatureView.KIND.equals(kind) && !name.isEmpty()
                    ? refusals.computeIfAbsent(name, n -> new ArrayList<>())
                    : FeatureService.KIND.equals(kind) && !name.isEmpty()
                            ? serviceRefusals.computeIfAbsent(name, n -> new ArrayList<>())
                            : problems;
            String apiVersion = document.path("apiVersion").asText("");
            if (!ApiVersions.V1ALPHA1.equals(apiVersion)) {
                found.add(where + ": apiVersion: '" + apiVersion + "' is not " + ApiVersions.V1ALPHA1);
                continue;
            }
            switch (kind) {
                case FeatureStore.KIND ->
                    convert(document, FeatureStore.class, where, problems).ifPresent(stores::add);
                case FeatureView.KIND ->
                    convert(document, FeatureView.class, where, found).ifPresent(views::add);
                case FeatureService.KIND ->
                    convert(document, FeatureService.class, where, found).ifPresent(services::add);
                default -> problems.add(where + ": kind: expected FeatureStore, FeatureView or FeatureService");
            }
        }
        if (stores.size() != 1) {
            problems.add("expected exactly one FeatureStore, found " + stores.size());
        }
        if (!problems.isEmpty()) {
            throw failure(absolute, problems);
        }
        FeatureStore store = stores.get(0);
        Admission admission = StoreAdmission.admit(
                store,
                views,
                services,
                new StoreAdmission.Placement(
                        absolute.getParent(), lakehouseRoot == null ? null : lakehouseRoot.toString()));
        admission.storeProblems().forEach(p -> problems.add(FeatureStore.KIND + " '" + store.name() + "': " + p));
        if (!problems.isEmpty()) {
            throw failure(absolute, problems);
        }
        admission.refusedViews().forEach((name, reason) -> refusals.get(name).add(reason));
        LakehouseBoundary links = new LakehouseBoundary(admission.lakehouse());
        List<ViewDefinition> definitions = new ArrayList<>();
        for (AdmittedView view : admission.views()) {
            Optional<String> outside = linksOutside(view, links);
            if (outside.isPresent()) {
                refusals.get(view.name()).add(outside.get());
            } else if (refusals.get(view.name()).isEmpty()) {
                definitions.add(definition(view));
            }
        }
        List<FeatureServiceDefinition> resolvedServices = new ArrayList<>();
        admission
                .services()
                .forEach((service, features) -> resolvedServices.add(new FeatureServiceDefinition(
                        service.name(), features.stream().map(FeatureRef::parse).toList())));
        Map<String, String> refusedServices = new LinkedHashMap<>();
        serviceRefusals.forEach((name, reasons) -> {
            // Every service of the file has an entry; only one with a reason is refused.
            if (!reasons.isEmpty()) {
                refusedServices.put(name, String.join("; ", reasons));
            }
        });
        refusedServices.putAll(admission.refusedServices());
        refusedServices.forEach((name, reason) ->
                LOG.warn("{}: FeatureService '{}' is not served: {}", absolute.getFileName(), name, reason));
        Map<String, String> refused = new LinkedHashMap<>();
        refusals.forEach((name, reasons) -> {
            if (!reasons.isEmpty()) {
                refused.put(name, String.join("; ", reasons));
            }
        });
        return new ServingConfig(
                absolute,
                store,
                definitions,
                TableLocation.of(admission.root()),
                resolvedServices,
                refused,
                refusedServices);
    }

    /** Where following symbolic links leads the view's table, or one of its rewrite targets, out of the lakehouse. */
    private static Optional<String> linksOutside(AdmittedView view, LakehouseBoundary links) {
        String field = view.locationField();
        Optional<String> table = view.catalog() != null && view.catalog().type() != CatalogType.HADOOP
                ? Optional.empty()
                : links.refusal(view.location());
        if (table.isPresent()) {
            return Optional.of(new Violation(field, table.get()).toString());
        }
        List<io.featureduck.crds.PathRewrite> rewrites =
                view.view().spec().source().pathRewrite();
        for (int i = 0; i < rewrites.size(); i++) {
            Optional<String> target = links.refusal(rewrites.get(i).to());
            if (target.isPresent()) {
                return Optional.of(new Violation("spec.source.pathRewrite[" + i + "].to", target.get()).toString());
            }
        }
        return Optional.empty();
    }

    private static ViewDefinition definition(AdmittedView admitted) {
        FeatureViewSpec spec = admitted.view().spec();
        TableLocation location = TableLocation.of(admitted.location())
                .withRewrites(spec.source().pathRewrite())
                .withTable(spec.source().table())
                .withCatalog(admitted.catalog());
        // Compiled once here; SpecValidator has already compiled them, so this cannot fail on an admitted view.
        List<OnDemandFeature> onDemand = OnDemandFeature.compile(spec);
        ViewDefinition definition = new ViewDefinition(
                admitted.name(),
                admitted.format(),
                location,
                spec.source().isSnapshot() ? null : spec.source().timestampColumn(),
                spec.source().createdTimestampColumn(),
                spec.entities(),
                spec.features(),
                Optional.ofNullable(spec.ttl()).map(KubeDuration::parse),
                spec.servesOnline(),
                Optional.ofNullable(spec.refreshInterval()).map(KubeDuration::parse),
                onDemand,
                spec.requestData(),
                TablePin.of(spec.source()),
                admitted.push()
                        .map(claim -> new ViewDefinition.PushSettings(
                                claim.sourceName(),
                                spec.push().flushEvery(),
                                spec.push().batchRows())),
                ViewAggregations.of(spec.aggregations()));
        return admitted.push()
                .flatMap(AdmittedView.PushClaim::refusal)
                .map(definition::withPushRefused)
                .orElse(definition);
    }

    private List<JsonNode> readDocuments(Path file) {
        try (MappingIterator<JsonNode> iterator =
                yaml.readerFor(JsonNode.class).readValues(Files.newBufferedReader(file))) {
            return iterator.readAll();
        } catch (IOException e) {
            throw new DefinitionException(file + ": cannot read serving configuration: " + e.getMessage(), e);
        }
    }

    private <T> Optional<T> convert(JsonNode document, Class<T> type, String where, List<String> problems) {
        try {
            return Optional.of(yaml.treeToValue(document, type));
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining())
                    .replaceFirst("^\\.", "");
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            problems.add(where + ": " + field + ": " + message);
            return Optional.empty();
        } catch (IOException e) {
            problems.add(where + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String describe(String kind, String name, Violation violation) {
        return kind + " '" + (name == null ? "?" : name) + "': " + violation;
    }

    private static DefinitionException failure(Path file, List<String> problems) {
        return new DefinitionException(
                file + ": invalid serving configuration:\n  - " + String.join("\n  - ", problems));
    }
}
