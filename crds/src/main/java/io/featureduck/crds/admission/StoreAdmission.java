package io.featureduck.crds.admission;

import io.featureduck.crds.CatalogSpec;
import io.featureduck.crds.CatalogType;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureServiceResolution;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.PathRewrite;
import io.featureduck.crds.SourceSpec;
import io.featureduck.crds.SpecValidator;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.TableFormat.Capability;
import io.featureduck.crds.TablePin;
import io.featureduck.crds.Violation;
import io.featureduck.crds.location.LakehouseRoots;
import io.featureduck.crds.location.ObjectPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one admission of definitions: every rule about a store and its views and feature services, including the rules
 * that need the store (formats and what they can do, catalogs, paths inside the lakehouse, push-source uniqueness).
 * The operator runs it before it writes a store's serving configuration and reports its refusals on the resources;
 * the data plane runs it on every file it loads. Nothing here reads a file, so both decide alike.
 */
public final class StoreAdmission {
    static final String TWICE = "is defined more than once";

    private StoreAdmission() {}

    /**
     * Where a store's relative locations are resolved.
     *
     * @param baseDirectory the directory a relative {@code spec.lakehouse.root} is relative to (the serving file's)
     * @param rootOverride  the root to use instead of {@code spec.lakehouse.root}, absolute, or null: what a developer
     *                      serving a store locally has where a pod has its volume
     */
    public record Placement(Path baseDirectory, String rootOverride) {
        /** In a cluster, roots are absolute (a mount path or an object-store URI). */
        public static Placement inCluster() {
            return new Placement(Path.of("/"), null);
        }
    }

    public static Admission admit(
            FeatureStore store, List<FeatureView> views, List<FeatureService> services, Placement placement) {
        List<String> storeProblems = SpecValidator.validate(store).stream()
                .map(Violation::toString)
                .collect(Collectors.toCollection(ArrayList::new));
        String root = null;
        LakehouseRoots lakehouse = null;
        if (storeProblems.isEmpty()) {
            root = location(
                    "spec.lakehouse.root",
                    placement.rootOverride() != null
                            ? placement.rootOverride()
                            : store.spec().lakehouse().root(),
                    placement.baseDirectory().toString(),
                    storeProblems);
            List<String> roots = new ArrayList<>();
            roots.add(root);
            List<String> allowed = store.spec().lakehouse().allowedRoots();
            for (int i = 0; i < allowed.size(); i++) {
                roots.add(location(
                        "spec.lakehouse.allowedRoots[" + i + "]",
                        allowed.get(i),
                        placement.baseDirectory().toString(),
                        storeProblems));
            }
            lakehouse = new LakehouseRoots(roots);
        }
        if (!storeProblems.isEmpty()) {
            return new Admission(store, storeProblems, null, null, List.of(), Map.of(), Map.of(), Map.of());
        }

        Map<String, Long> counts = views.stream()
                .collect(Collectors.groupingBy(FeatureView::name, LinkedHashMap::new, Collectors.counting()));
        Map<String, String> refusedViews = new LinkedHashMap<>();
        List<AdmittedView> admitted = new ArrayList<>();
        for (FeatureView view : views) {
            List<Violation> violations = SpecValidator.validate(view);
            if (counts.getOrDefault(view.name(), 0L) > 1) {
                violations = new ArrayList<>(violations);
                violations.add(new Violation("metadata.name", TWICE));
            }
            if (violations.isEmpty()) {
                violations = new ArrayList<>();
                Optional<AdmittedView> inStore = inStore(view, store, root, lakehouse, violations);
                if (violations.isEmpty()) {
                    admitted.add(inStore.orElseThrow());
                    continue;
                }
            }
            refusedViews.put(view.name(), describe(violations));
        }
        admitted = withoutContestedPushes(admitted);

        Map<String, List<String>> served = new LinkedHashMap<>();
        admitted.forEach(v -> served.put(
                v.name(), FeatureServiceResolution.servedFeatures(v.view().spec())));
        Map<String, Long> serviceCounts = services.stream()
                .collect(Collectors.groupingBy(FeatureService::name, LinkedHashMap::new, Collectors.counting()));
        Map<FeatureService, List<String>> admittedServices = new LinkedHashMap<>();
        Map<String, String> refusedServices = new LinkedHashMap<>();
        for (FeatureService service : services) {
            List<Violation> violations = new ArrayList<>(SpecValidator.validate(service));
            if (serviceCounts.getOrDefault(service.name(), 0L) > 1) {
                violations.add(new Violation("metadata.name", TWICE));
            }
            if (violations.isEmpty() && !Objects.equals(service.spec().store(), store.name())) {
                violations.add(notThisStore(service.spec().store(), store));
            }
            if (violations.isEmpty()) {
                try {
                    admittedServices.put(service, FeatureServiceResolution.resolve(service.spec(), served));
                    continue;
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation("spec.features", e.getMessage()));
                }
            }
            refusedServices.put(service.name(), describe(violations));
        }
        return new Admission(
                store, List.of(), root, lakehouse, admitted, refusedViews, admittedServices, refusedServices);
    }

    /** Violations as one message, as a status condition or an error body shows them. */
    public static String describe(List<Violation> violations) {
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }

    private static String location(String field, String text, String base, List<String> problems) {
        try {
            return LakehouseRoots.resolve(text, base);
        } catch (IllegalArgumentException e) {
            problems.add(new Violation(field, e.getMessage()).toString());
            return base;
        }
    }

    private static Violation notThisStore(String named, FeatureStore store) {
        return new Violation("spec.store", "'" + named + "' is not this store ('" + store.name() + "')");
    }

    /** The rules a view meets only in its store's context; each broken one adds a violation. */
    private static Optional<AdmittedView> inStore(
            FeatureView view, FeatureStore store, String root, LakehouseRoots lakehouse, List<Violation> violations) {
        FeatureViewSpec spec = view.spec();
        SourceSpec source = spec.source();
        if (!spec.store().equals(store.name())) {
            violations.add(notThisStore(spec.store(), store));
        }
        TableFormat format = source.format() != null
                ? source.format()
                : store.spec().lakehouse().format();
        CatalogSpec catalog = source.catalog();
        // A view's own catalog is a warehouse directory and is held to the lakehouse like a path; the store's
        // catalogs are set by whoever manages the store and may be anywhere.
        boolean ownLocation = catalog == null || !catalog.isReference();
        if (catalog != null && catalog.isReference()) {
            String name = catalog.name();
            catalog = store.spec().lakehouse().catalog(name).orElse(null);
            if (catalog == null) {
                violations.add(new Violation(
                        "spec.source.catalog.name",
                        "the store has no catalog '" + name + "'; it has "
                                + store.spec().lakehouse().catalogs().stream()
                                        .map(CatalogSpec::name)
                                        .toList()));
                return Optional.empty();
            }
        }
        boolean hadoop = catalog != null && catalog.type() == CatalogType.HADOOP;
        // With a Hadoop catalog the warehouse directory is the table's location; a REST catalog has none here.
        String field = AdmittedView.locationField(catalog);
        String location = null;
        try {
            location =
                    LakehouseRoots.resolve(catalog == null ? source.path() : hadoop ? catalog.warehouse() : root, root);
            if (ownLocation && (catalog == null || hadoop)) {
                lakehouse.refusal(location).ifPresent(reason -> violations.add(new Violation(field, reason)));
            }
        } catch (IllegalArgumentException e) {
            violations.add(new Violation(field, e.getMessage()));
        }
        List<PathRewrite> rewrites = source.pathRewrite();
        for (int i = 0; i < rewrites.size(); i++) {
            String target = rewrites.get(i).to();
            String at = "spec.source.pathRewrite[" + i + "].to";
            if (!target.startsWith("/") && !ObjectPath.isObjectStore(target)) {
                violations.add(new Violation(at, "must be an absolute path or an object-store URI"));
                continue;
            }
            try {
                lakehouse
                        .refusal(LakehouseRoots.resolve(target, root))
                        .ifPresent(reason -> violations.add(new Violation(at, reason)));
            } catch (IllegalArgumentException e) {
                violations.add(new Violation(at, e.getMessage()));
            }
        }
        capabilities(spec, format, catalog, location, violations);
        return Optional.of(new AdmittedView(view, format, location, catalog, pushClaim(view)));
    }

    /** What the view asks of its table's format, against what the format can do ({@link TableFormat.Capability}). */
    private static void capabilities(
            FeatureViewSpec spec,
            TableFormat format,
            CatalogSpec catalog,
            String location,
            List<Violation> violations) {
        SourceSpec source = spec.source();
        boolean objectStore = location != null && ObjectPath.isObjectStore(location);
        if (catalog != null && !format.can(Capability.CATALOGS)) {
            violations.add(new Violation(
                    "spec.source.catalog",
                    "catalogs name " + TableFormat.with(Capability.CATALOGS) + " tables; the view's format is "
                            + format.wireName()));
        }
        if (format.can(Capability.NAMED_TABLE)
                && (source.table() == null || source.table().isBlank())) {
            violations.add(new Violation(
                    "spec.source.table",
                    "is required: a " + format.wireName()
                            + " file holds several tables; name the table or view to read"));
        }
        if (objectStore && !format.can(Capability.OBJECT_STORES)) {
            violations.add(new Violation(
                    "spec.source.path",
                    format.wireName() + " files cannot be read from an "
                            + "object store; serve them from a mounted volume (object stores hold "
                            + TableFormat.with(Capability.OBJECT_STORES) + " tables)"));
        }
        if (TablePin.of(source).isPresent() && !format.can(Capability.VERSIONS)) {
            violations.add(new Violation(
                    source.version() != null ? "spec.source.version" : "spec.source.asOf",
                    "pins a table version, and " + format.wireName() + " tables have no versions; pin "
                            + TableFormat.with(Capability.VERSIONS) + " tables"));
        }
        if (!spec.takesPushes()) {
            return;
        }
        if (!format.can(Capability.PUSHES)) {
            violations.add(new Violation(
                    "spec.push.enabled",
                    "pushes commit to " + TableFormat.with(Capability.PUSHES)
                            + " tables; " + format.wireName()
                            + " tables are written by their own engines (Spark, DuckDB), "
                            + "so push there instead"));
        } else if (objectStore) {
            violations.add(new Violation(
                    "spec.push.enabled",
                    "pushes write tables on the store's volume "
                            + "(persistentVolumeClaim or a local path); this view's table is on an object store, which the "
                            + "data plane only reads"));
        } else if (catalog != null) {
            violations.add(new Violation(
                    "spec.push.enabled",
                    "pushes commit to file-system tables; a table named "
                            + "through a catalog is committed through that catalog, so write it with the catalog's own "
                            + "clients"));
        }
    }

    private static Optional<AdmittedView.PushClaim> pushClaim(FeatureView view) {
        if (!view.spec().takesPushes()) {
            return Optional.empty();
        }
        String source = view.spec().push().sourceName();
        return Optional.of(new AdmittedView.PushClaim(source == null ? view.name() : source, Optional.empty()));
    }

    /**
     * Views that claim one push source between them keep serving, but none of them takes pushes (which view's table
     * the pushes belong in is for whoever wrote the definitions to say): each says so in its push claim.
     */
    private static List<AdmittedView> withoutContestedPushes(List<AdmittedView> views) {
        Map<String, List<String>> claims = new LinkedHashMap<>();
        views.forEach(v -> v.push()
                .ifPresent(p -> claims.computeIfAbsent(p.sourceName(), s -> new ArrayList<>())
                        .add(v.name())));
        List<AdmittedView> settled = new ArrayList<>(views.size());
        for (AdmittedView view : views) {
            Optional<AdmittedView.PushClaim> push = view.push();
            // Sorted, so that the message does not depend on the order the definitions came in.
            List<String> claimants = push.map(
                            p -> claims.get(p.sourceName()).stream().sorted().toList())
                    .orElse(List.of());
            if (claimants.size() > 1) {
                String source = push.get().sourceName();
                settled.add(new AdmittedView(
                        view.view(),
                        view.format(),
                        view.location(),
                        view.catalog(),
                        Optional.of(new AdmittedView.PushClaim(
                                source,
                                Optional.of("push source '" + source
                                        + "' is claimed by FeatureViews " + claimants
                                        + "; none of them takes pushes until "
                                        + "each names its own (spec.push.sourceName)")))));
            } else {
                settled.add(view);
            }
        }
        return settled;
    }
}
