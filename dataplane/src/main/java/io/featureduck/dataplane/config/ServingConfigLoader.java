package io.featureduck.dataplane.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featureduck.crds.ApiVersions;
import io.featureduck.crds.CatalogSpec;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureServiceResolution;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.PushSpec;
import io.featureduck.crds.KubeDuration;
import io.featureduck.crds.SpecValidator;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.TablePin;
import io.featureduck.crds.Violation;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a serving configuration: a multi-document YAML file holding one FeatureStore, its FeatureViews and its
 * FeatureServices, in the same shape as the custom resources. Every problem is reported at once, each naming file, resource and field.
 */
public final class ServingConfigLoader {
    private static final String TWICE = "is defined more than once";
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

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
     * <p>What is wrong with the store, a document that names no view, or a feature service fails the whole file (there
     * is nothing to serve without them). What is wrong with one FeatureView leaves that view out, with every reason,
     * in {@link ServingConfig#refused()}: the store's other views serve. Two views that claim one push source both
     * serve without pushes, and say why.
     *
     * @throws DefinitionException naming the file-wide problems
     */
    public ServingConfig load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        List<JsonNode> documents = readDocuments(absolute);
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> refusals = new LinkedHashMap<>();
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
            // A view's own mistakes are its own, once it has a name to be reported under.
            List<String> found = FeatureView.KIND.equals(kind) && !name.isEmpty()
                    ? refusals.computeIfAbsent(name, n -> new ArrayList<>()) : problems;
            String apiVersion = document.path("apiVersion").asText("");
            if (!ApiVersions.V1ALPHA1.equals(apiVersion)) {
                found.add(where + ": apiVersion: '" + apiVersion + "' is not " + ApiVersions.V1ALPHA1);
                continue;
            }
            switch (kind) {
                case FeatureStore.KIND -> convert(document, FeatureStore.class, where, problems).ifPresent(stores::add);
                case FeatureView.KIND -> convert(document, FeatureView.class, where, found).ifPresent(views::add);
                case FeatureService.KIND -> convert(document, FeatureService.class, where, problems)
                        .ifPresent(services::add);
                default -> problems.add(where + ": kind: expected FeatureStore, FeatureView or FeatureService");
            }
        }
        if (stores.size() != 1) {
            problems.add("expected exactly one FeatureStore, found " + stores.size());
        }
        for (FeatureStore store : stores) {
            SpecValidator.validate(store).forEach(v -> problems.add(describe(FeatureStore.KIND, store.name(), v)));
        }
        Map<String, Long> viewCounts = views.stream().filter(v -> v.name() != null)
                .collect(Collectors.groupingBy(FeatureView::name, LinkedHashMap::new, Collectors.counting()));
        for (FeatureView view : views) {
            List<String> reasons = refusals.computeIfAbsent(view.name(), n -> new ArrayList<>());
            SpecValidator.validate(view).forEach(v -> reasons.add(describe(FeatureView.KIND, view.name(), v)));
        }
        viewCounts.forEach((name, count) -> {
            if (count > 1) {
                refusals.get(name).add(describe(FeatureView.KIND, name, new Violation("metadata.name", TWICE)));
            }
        });
        Set<String> serviceNames = new HashSet<>();
        for (FeatureService service : services) {
            SpecValidator.validate(service).forEach(v -> problems.add(describe(FeatureService.KIND, service.name(), v)));
            if (service.name() != null && !serviceNames.add(service.name())) {
                problems.add(describe(FeatureService.KIND, service.name(), new Violation("metadata.name", TWICE)));
            }
        }
        if (!problems.isEmpty()) {
            throw failure(absolute, problems);
        }
        FeatureStore store = stores.get(0);
        TableLocation root = resolveRoot(store, absolute, problems);
        LakehouseBoundary boundary = root == null ? null : boundary(store, root, absolute, problems);
        if (!problems.isEmpty()) {
            throw failure(absolute, problems);
        }
        List<ViewDefinition> definitions = new ArrayList<>();
        for (FeatureView view : views) {
            List<String> reasons = refusals.get(view.name());
            if (reasons.isEmpty()) {
                resolveView(view, store, root, boundary, reasons).ifPresent(definitions::add);
            }
        }
        definitions = withoutContestedPushes(definitions);
        List<FeatureServiceDefinition> resolvedServices = new ArrayList<>();
        for (FeatureService service : services) {
            resolveService(service, store, views, problems).ifPresent(resolvedServices::add);
        }
        if (!problems.isEmpty()) {
            throw failure(absolute, problems);
        }
        Map<String, String> refused = new LinkedHashMap<>();
        refusals.forEach((name, reasons) -> {
            if (!reasons.isEmpty()) {
                refused.put(name, String.join("; ", reasons));
            }
        });
        return new ServingConfig(absolute, store, definitions, root, resolvedServices, refused);
    }

    /**
     * Views that claim one push source between them keep serving, but none of them takes pushes (which view's table
     * the pushes belong in is for whoever wrote the definitions to say): each says so in its push settings.
     */
    private static List<ViewDefinition> withoutContestedPushes(List<ViewDefinition> definitions) {
        Map<String, List<String>> claims = new LinkedHashMap<>();
        definitions.forEach(d -> d.push().ifPresent(p -> claims.computeIfAbsent(p.sourceName(),
                s -> new ArrayList<>()).add(d.name())));
        List<ViewDefinition> settled = new ArrayList<>(definitions.size());
        for (ViewDefinition definition : definitions) {
            Optional<ViewDefinition.PushSettings> push = definition.push();
            List<String> claimants = push.map(p -> claims.get(p.sourceName())).orElse(List.of());
            if (claimants.size() > 1) {
                settled.add(definition.withPushRefused("push source '" + push.get().sourceName() + "' is claimed by "
                        + "FeatureViews " + claimants + "; none of them takes pushes until each names its own "
                        + "(spec.push.sourceName)"));
            } else {
                settled.add(definition);
            }
        }
        return settled;
    }

    private List<JsonNode> readDocuments(Path file) {
        try (MappingIterator<JsonNode> iterator = yaml.readerFor(JsonNode.class).readValues(Files.newBufferedReader(file))) {
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
                    .collect(Collectors.joining()).replaceFirst("^\\.", "");
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            problems.add(where + ": " + field + ": " + message);
            return Optional.empty();
        } catch (IOException e) {
            problems.add(where + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private TableLocation resolveRoot(FeatureStore store, Path file, List<String> problems) {
        try {
            String root = lakehouseRoot != null ? lakehouseRoot.toString() : store.spec().lakehouse().root();
            return TableLocation.resolve(root, file.getParent());
        } catch (IllegalArgumentException e) {
            problems.add(describe(FeatureStore.KIND, store.name(), new Violation("spec.lakehouse.root", e.getMessage())));
            return null;
        }
    }

    /** The store's root and its further allowed roots, relative ones resolved as the root is. */
    private static LakehouseBoundary boundary(FeatureStore store, TableLocation root, Path file, List<String> problems) {
        List<TableLocation> roots = new ArrayList<>(List.of(root));
        List<String> allowed = store.spec().lakehouse().allowedRoots();
        for (int i = 0; i < allowed.size(); i++) {
            try {
                roots.add(TableLocation.resolve(allowed.get(i), file.getParent()));
            } catch (IllegalArgumentException e) {
                problems.add(describe(FeatureStore.KIND, store.name(), new Violation("spec.lakehouse.allowedRoots["
                        + i + "]", e.getMessage())));
            }
        }
        return new LakehouseBoundary(roots);
    }

    private Optional<ViewDefinition> resolveView(FeatureView view, FeatureStore store, TableLocation root,
                                                 LakehouseBoundary boundary, List<String> problems) {
        FeatureViewSpec spec = view.spec();
        List<String> before = new ArrayList<>(problems);
        if (!spec.store().equals(store.name())) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.store",
                    "'" + spec.store() + "' is not the store in this file ('" + store.name() + "')")));
        }
        TableFormat format = spec.source().format() != null ? spec.source().format() : store.spec().lakehouse().format();
        TableLocation location = null;
        CatalogSpec catalog = spec.source().catalog();
        // A view's own catalog is a warehouse directory and is held to the lakehouse like a path; the store's
        // catalogs are set by whoever manages the store and may be anywhere.
        boolean ownLocation = catalog == null || !catalog.isReference();
        if (catalog != null && catalog.isReference()) {
            String name = catalog.name();
            catalog = store.spec().lakehouse().catalog(name).orElse(null);
            if (catalog == null) {
                problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.source.catalog.name",
                        "the store has no catalog '" + name + "'; it has " + store.spec().lakehouse().catalogs().stream()
                                .map(CatalogSpec::name).toList())));
                return Optional.empty();
            }
        }
        if (root != null) {
            // With a Hadoop catalog the warehouse directory is the table's location; a REST catalog has none here.
            String where = catalog == null ? spec.source().path()
                    : "hadoop".equals(catalog.type()) ? catalog.warehouse() : root.uri();
            try {
                location = TableLocation.resolve(where, root).withRewrites(spec.source().pathRewrite())
                        .withTable(spec.source().table()).withCatalog(catalog);
                String field = catalog == null ? "spec.source.path" : "spec.source.catalog.warehouse";
                if (ownLocation && (catalog == null || "hadoop".equals(catalog.type()))) {
                    boundary.refusal(location).ifPresent(reason -> problems.add(describe(FeatureView.KIND,
                            view.name(), new Violation(field, reason))));
                }
                List<io.featureduck.crds.PathRewrite> rewrites = spec.source().pathRewrite();
                for (int i = 0; i < rewrites.size(); i++) {
                    String target = rewrites.get(i).to();
                    String at = "spec.source.pathRewrite[" + i + "].to";
                    if (!target.startsWith("/") && !ObjectPath.isObjectStore(target)) {
                        problems.add(describe(FeatureView.KIND, view.name(), new Violation(at,
                                "must be an absolute path or an object-store URI")));
                        continue;
                    }
                    boundary.refusal(target).ifPresent(reason -> problems.add(describe(FeatureView.KIND, view.name(),
                            new Violation(at, reason))));
                }
            } catch (IllegalArgumentException e) {
                problems.add(describe(FeatureView.KIND, view.name(), new Violation(catalog == null ? "spec.source.path"
                        : "spec.source.catalog.warehouse", e.getMessage())));
            }
        }
        if (catalog != null && format != TableFormat.ICEBERG) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.source.catalog",
                    "catalogs name Iceberg tables; the view's format is " + format.wireName())));
        }
        if (format == TableFormat.DUCKDB && (spec.source().table() == null || spec.source().table().isBlank())) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.source.table",
                    "is required for a DuckDB database file: name the table or view to read")));
        }
        Optional<TablePin> pin = TablePin.of(spec.source());
        if (pin.isPresent() && (format == TableFormat.PARQUET || format == TableFormat.DUCKDB)) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation(spec.source().version() != null
                    ? "spec.source.version" : "spec.source.asOf", "pins a table version, and " + format.wireName()
                    + " tables have no versions; pin delta, iceberg or hudi tables")));
        }
        if (spec.takesPushes() && (format == TableFormat.HUDI || format == TableFormat.DUCKDB)) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.push.enabled", "pushes commit "
                    + "to delta and iceberg tables and add files to parquet directories; " + format.wireName()
                    + " tables are written by their own engines (Spark, DuckDB), so push there instead")));
        } else if (spec.takesPushes() && location.isObjectStore()) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.push.enabled", "pushes write "
                    + "tables on the store's volume (persistentVolumeClaim or a local path); this view's table is on "
                    + "an object store, which the data plane only reads")));
        } else if (spec.takesPushes() && catalog != null) {
            problems.add(describe(FeatureView.KIND, view.name(), new Violation("spec.push.enabled", "pushes commit "
                    + "to file-system tables; a table named through a catalog is committed through that catalog, "
                    + "so write it with the catalog's own clients")));
        }
        if (problems.size() != before.size()) {
            return Optional.empty();
        }
        // Compiled once here; SpecValidator has already compiled them, so this cannot fail on a valid view.
        List<OnDemandFeature> onDemand = OnDemandFeature.compile(spec);
        return Optional.of(new ViewDefinition(view.name(), format, location,
                spec.source().isSnapshot() ? null : spec.source().timestampColumn(),
                spec.source().createdTimestampColumn(), spec.entities(), spec.features(),
                Optional.ofNullable(spec.ttl()).map(KubeDuration::parse), spec.servesOnline(),
                Optional.ofNullable(spec.refreshInterval()).map(KubeDuration::parse), onDemand, spec.requestData(),
                pin, pushSettings(view)));
    }

    private static Optional<ViewDefinition.PushSettings> pushSettings(FeatureView view) {
        if (!view.spec().takesPushes()) {
            return Optional.empty();
        }
        PushSpec push = view.spec().push();
        return Optional.of(new ViewDefinition.PushSettings(push.sourceName() == null ? view.name() : push.sourceName(),
                push.flushEvery(), push.batchRows()));
    }

    private static Optional<FeatureServiceDefinition> resolveService(FeatureService service, FeatureStore store,
                                                                     List<FeatureView> views, List<String> problems) {
        if (!service.spec().store().equals(store.name())) {
            problems.add(describe(FeatureService.KIND, service.name(), new Violation("spec.store",
                    "'" + service.spec().store() + "' is not the store in this file ('" + store.name() + "')")));
            return Optional.empty();
        }
        Map<String, List<String>> served = new HashMap<>();
        views.forEach(view -> served.put(view.name(), FeatureServiceResolution.servedFeatures(view.spec())));
        try {
            return Optional.of(new FeatureServiceDefinition(service.name(),
                    FeatureServiceResolution.resolve(service.spec(), served).stream().map(FeatureRef::parse).toList()));
        } catch (IllegalArgumentException e) {
            problems.add(describe(FeatureService.KIND, service.name(), new Violation("spec.features", e.getMessage())));
            return Optional.empty();
        }
    }

    private static String describe(String kind, String name, Violation violation) {
        return kind + " '" + (name == null ? "?" : name) + "': " + violation;
    }

    private static DefinitionException failure(Path file, List<String> problems) {
        return new DefinitionException(file + ": invalid serving configuration:\n  - " + String.join("\n  - ", problems));
    }
}
