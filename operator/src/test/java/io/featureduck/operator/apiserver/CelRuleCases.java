package io.featureduck.operator.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;

/**
 * For every CEL rule of the CRDs, a change to the kind's base object (the examples' drivers store, driver-stats view,
 * driver-ranking service and driver-training retrieval) that breaks it. A CEL expression cannot be inverted mechanically, so the cases are
 * written here; {@code CustomResourcesOnApiServerIT} checks that the CRDs' rules and these cases match one to one, so a
 * new rule without a case (or a case whose rule is gone) fails the build.
 *
 * @param kind    the resource kind
 * @param path    the field the rule is declared on, as the API server names it (empty for the root)
 * @param message the start of the rule's message
 * @param update  whether the rule is a transition rule, checked when the base object is changed rather than created
 * @param change  the change that breaks it
 */
record CelRuleCases(String kind, String path, String message, boolean update, Consumer<ObjectNode> change) {
    static final List<CelRuleCases> ALL = List.of(
            // HistoricalRetrieval
            create(
                    "HistoricalRetrieval",
                    "spec",
                    "name the features or a featureService",
                    o -> at(o, "/spec").put("featureService", "driver-ranking")),
            create(
                    "HistoricalRetrieval",
                    "spec",
                    "give entityRows or a timeRange",
                    o -> at(o, "/spec").putObject("entityRows").put("uri", "/var/lib/featureduck/entities.parquet")),
            update(
                    "HistoricalRetrieval",
                    "spec",
                    "a retrieval runs once",
                    o -> at(o, "/spec").put("fullFeatureNames", true)),
            create(
                    "HistoricalRetrieval",
                    "spec.timeRange",
                    "the time range is empty",
                    o -> at(o, "/spec/timeRange").put("end", "2025-01-01T00:00:00Z")),
            // FeatureService
            create("FeatureService", "", "the name must be a DNS label", o -> name(o, "driver.ranking")),
            create("FeatureService", "", "the name must be at most 63", o -> name(o, "s".repeat(64))),
            // FeatureStore
            create("FeatureStore", "", "the name must be a DNS label", o -> name(o, "drivers.v2")),
            create("FeatureStore", "", "the name must be at most 63", o -> name(o, "s".repeat(64))),
            create(
                    "FeatureStore",
                    "spec",
                    "spec.dataPlane.auth is required",
                    o -> at(o, "/spec/dataPlane").remove("auth")),
            create(
                    "FeatureStore",
                    "spec.dataPlane.auth",
                    "bearer authentication needs tokenSecretName",
                    o -> at(o, "/spec/dataPlane/auth").remove("tokenSecretName")),
            create(
                    "FeatureStore",
                    "spec.dataPlane.auth",
                    "kubernetes authentication needs serviceAccountName",
                    o -> at(o, "/spec/dataPlane").putObject("auth").put("type", "kubernetes")),
            create(
                    "FeatureStore",
                    "spec.lakehouse",
                    "with a persistentVolumeClaim, root must be the absolute path",
                    o -> at(o, "/spec/lakehouse").put("root", "lakehouse")),
            create(
                    "FeatureStore",
                    "spec.lakehouse",
                    "root must be a path or an s3://",
                    o -> at(o, "/spec/lakehouse")
                            .put("root", "ftp://files.example.com/lakehouse")
                            .remove("persistentVolumeClaim")),
            create(
                    "FeatureStore",
                    "spec.lakehouse",
                    "each catalog of a store needs a name and a type",
                    o -> storeCatalog(o).put("name", "warehouse")),
            create(
                    "FeatureStore",
                    "spec.lakehouse.catalogs[0]",
                    "name a catalog of the store, or give its type",
                    o -> storeCatalog(o).put("warehouse", "/w")),
            create(
                    "FeatureStore",
                    "spec.lakehouse.catalogs[0]",
                    "a rest catalog needs uri",
                    o -> storeCatalog(o).put("name", "warehouse").put("type", "rest")),
            create(
                    "FeatureStore",
                    "spec.lakehouse.catalogs[0]",
                    "a hadoop catalog needs warehouse",
                    o -> storeCatalog(o).put("name", "warehouse").put("type", "hadoop")),
            // FeatureView
            create("FeatureView", "", "the name must be a DNS label", o -> name(o, "driver.stats")),
            create("FeatureView", "", "the name must be at most 63", o -> name(o, "v".repeat(64))),
            create(
                    "FeatureView",
                    "spec",
                    "a view serves at least one feature or aggregation",
                    o -> at(o, "/spec").putArray("features")),
            create(
                    "FeatureView",
                    "spec",
                    "feature names must be unique",
                    o -> ((ArrayNode) o.at("/spec/features"))
                            .add(o.at("/spec/features/0").deepCopy())),
            create(
                    "FeatureView",
                    "spec",
                    "entity names must be unique",
                    o -> ((ArrayNode) o.at("/spec/entities"))
                            .add(o.at("/spec/entities/0").deepCopy())),
            create(
                    "FeatureView",
                    "spec",
                    "a feature cannot have the name of a join key",
                    o -> at(o, "/spec/features/0").put("name", "driver_id")),
            create(
                    "FeatureView",
                    "spec",
                    "the timestamp column cannot also be a join key",
                    o -> at(o, "/spec/source").put("timestampColumn", "driver_id")),
            create(
                    "FeatureView",
                    "spec",
                    "an on-demand feature cannot have the name of a feature",
                    o -> at(o, "/spec")
                            .putArray("onDemand")
                            .addObject()
                            .put("name", "conv_rate")
                            .put("type", "float64")
                            .put("expression", "conv_rate * 2.0")),
            create("FeatureView", "spec", "a view that takes pushes needs source.timestampColumn", o -> {
                at(o, "/spec").putObject("push").put("enabled", true);
                at(o, "/spec/source").remove(List.of("timestampColumn", "createdTimestampColumn"));
            }),
            new CelRuleCases(
                    "FeatureView",
                    "spec",
                    "entities (join keys) cannot change",
                    true,
                    o -> at(o, "/spec/entities/0").put("type", "string")),
            create(
                    "FeatureView",
                    "spec.entities[0]",
                    "a join key must be string",
                    o -> at(o, "/spec/entities/0").put("type", "float64")),
            create(
                    "FeatureView",
                    "spec.source",
                    "name the table by path or by catalog",
                    o -> at(o, "/spec/source").remove("path")),
            create("FeatureView", "spec.source", "with a catalog, table names the table", o -> {
                at(o, "/spec/source").remove("path");
                at(o, "/spec/source").putObject("catalog").put("name", "warehouse");
            }),
            create(
                    "FeatureView",
                    "spec.source",
                    "a view cannot set a catalog's uri or properties",
                    o -> catalogTable(o).put("name", "warehouse").put("uri", "https://catalog.example.com")),
            create(
                    "FeatureView",
                    "spec.source",
                    "a view names a rest catalog of its store by name",
                    o -> catalogTable(o).put("type", "rest")),
            create(
                    "FeatureView",
                    "spec.source",
                    "createdTimestampColumn only breaks ties",
                    o -> at(o, "/spec/source").remove("timestampColumn")),
            create(
                    "FeatureView",
                    "spec.source",
                    "createdTimestampColumn must differ from timestampColumn",
                    o -> at(o, "/spec/source").put("createdTimestampColumn", "event_timestamp")),
            create(
                    "FeatureView",
                    "spec.source",
                    "pin the table by version or by asOf",
                    o -> at(o, "/spec/source").put("version", 3).put("asOf", "2024-01-01T00:00:00Z")),
            create(
                    "FeatureView",
                    "spec.source.catalog",
                    "name a catalog of the store, or give its type",
                    o -> catalogTable(o).put("warehouse", "/w")),
            create(
                    "FeatureView",
                    "spec.source.catalog",
                    "a rest catalog needs uri",
                    o -> catalogTable(o).put("type", "rest")),
            create(
                    "FeatureView",
                    "spec.source.catalog",
                    "a hadoop catalog needs warehouse",
                    o -> catalogTable(o).put("type", "hadoop")));

    private static CelRuleCases create(String kind, String path, String message, Consumer<ObjectNode> change) {
        return new CelRuleCases(kind, path, message, false, change);
    }

    /** A transition rule's case: the change is made to an object the API server already stores. */
    private static CelRuleCases update(String kind, String path, String message, Consumer<ObjectNode> change) {
        return new CelRuleCases(kind, path, message, true, change);
    }

    boolean covers(SchemaRule rule) {
        return rule.isCelRule()
                && rule.kind().equals(kind)
                && rule.path().equals(path)
                && rule.value().asText().startsWith(message);
    }

    ObjectNode breaking(ObjectNode base) {
        ObjectNode copy = base.deepCopy();
        change.accept(copy);
        return copy;
    }

    @Override
    public String toString() {
        return kind + " " + (path.isEmpty() ? "<root>" : path) + ": " + message;
    }

    /** The view's source switched from a path to a table of a catalog; returns the (empty) catalog to fill in. */
    private static ObjectNode catalogTable(ObjectNode view) {
        ObjectNode source = at(view, "/spec/source");
        source.remove("path");
        source.put("table", "drivers.stats");
        return source.putObject("catalog");
    }

    /** The store's one catalog, empty, to fill in. */
    private static ObjectNode storeCatalog(ObjectNode store) {
        return at(store, "/spec/lakehouse").putArray("catalogs").addObject();
    }

    private static ObjectNode at(ObjectNode root, String pointer) {
        return (ObjectNode) root.at(pointer);
    }

    private static void name(ObjectNode root, String name) {
        at(root, "/metadata").put("name", name);
    }
}
