package io.featureduck.crds;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks FeatureStore and FeatureView definitions for what a schema alone cannot express. The data plane runs it on
 * every file it loads, and the operator on every resource it reconciles, so both reject the same definitions.
 */
public final class SpecValidator {
    /** A Kubernetes object name (RFC 1123 label), as FeatureView names are also used in URLs and feature refs. */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    /** Feature and entity names: plain identifiers, so {@code view:feature} and {@code view__feature} stay unambiguous. */
    public static final String IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";

    public static final int MAX_NAME_LENGTH = 63;
    /** Bounds that keep the CRD's CEL rules (pairwise uniqueness checks) within the API server's cost budget. */
    public static final int MAX_ENTITIES = 16;

    public static final int MAX_FEATURES = 500;
    public static final int MAX_ON_DEMAND = 100;
    public static final int MAX_REQUEST_FIELDS = 64;
    /** Aggregations one view may define, and windows one aggregation may have. */
    public static final int MAX_AGGREGATIONS = 100;

    public static final int MAX_WINDOWS = 16;
    /** Features one FeatureService may name. */
    public static final int MAX_SERVICE_FEATURES = 500;
    /** How often a view may poll its table at most. */
    public static final java.time.Duration MIN_REFRESH_INTERVAL = java.time.Duration.ofSeconds(1);

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern PUSH_SOURCE = Pattern.compile(PushSpec.SOURCE_NAME_PATTERN);
    private static final int MAX_LABEL_LENGTH = 253;
    private static final Pattern IDENTIFIER = Pattern.compile(IDENTIFIER_PATTERN);

    private SpecValidator() {}

    public static List<Violation> validate(FeatureStore store) {
        List<Violation> violations = new ArrayList<>();
        checkName(store.name(), violations);
        FeatureStoreSpec spec = store.spec();
        if (spec == null) {
            violations.add(new Violation("spec", "is required"));
            return violations;
        }
        if (spec.lakehouse() == null) {
            violations.add(new Violation("spec.lakehouse", "is required"));
        } else {
            if (spec.lakehouse().format() == null) {
                violations.add(new Violation("spec.lakehouse.format", "is required"));
            }
            if (blank(spec.lakehouse().root())) {
                violations.add(new Violation("spec.lakehouse.root", "is required"));
            }
        }
        if (spec.lakehouse() != null) {
            checkCatalogs(spec.lakehouse().catalogs(), violations);
        }
        DataPlaneSpec dataPlane = spec.effectiveDataPlane();
        if (dataPlane.replicas() != null && dataPlane.replicas() < 0) {
            violations.add(new Violation("spec.dataPlane.replicas", "must be 0 or more"));
        }
        if (dataPlane.maxBatchEntities() != null && dataPlane.maxBatchEntities() < 1) {
            violations.add(new Violation("spec.dataPlane.maxBatchEntities", "must be at least 1"));
        }
        if (dataPlane.maxBodyBytes() != null && dataPlane.maxBodyBytes() < 1024) {
            violations.add(new Violation("spec.dataPlane.maxBodyBytes", "must be at least 1024"));
        }
        checkAuth(spec.dataPlane() == null ? null : spec.dataPlane().auth(), violations);
        checkDuration("spec.dataPlane.drainPeriod", dataPlane.drainPeriod(), violations);
        return violations;
    }

    private static void checkCatalogs(List<CatalogSpec> catalogs, List<Violation> violations) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < catalogs.size(); i++) {
            CatalogSpec catalog = catalogs.get(i);
            String field = "spec.lakehouse.catalogs[" + i + "]";
            if (blank(catalog.name()) || !names.add(catalog.name())) {
                violations.add(new Violation(
                        field + ".name", "is required and must be unique: views refer to the " + "catalog by it"));
            }
            if (catalog.type() == null) {
                violations.add(new Violation(field + ".type", "must be hadoop or rest"));
            } else if (catalog.type() == CatalogType.REST && blank(catalog.uri())) {
                violations.add(new Violation(field + ".uri", CatalogSpec.REST_NEEDS_URI));
            } else if (catalog.type() == CatalogType.HADOOP && blank(catalog.warehouse())) {
                violations.add(new Violation(field + ".warehouse", CatalogSpec.HADOOP_NEEDS_WAREHOUSE));
            }
        }
    }

    private static void checkAuth(DataPlaneSpec.AuthSpec auth, List<Violation> violations) {
        if (auth == null || auth.type() == null) {
            violations.add(new Violation("spec.dataPlane.auth", DataPlaneSpec.AuthSpec.REQUIRED));
            return;
        }
        switch (auth.type()) {
            case NONE -> {}
            case BEARER -> {
                if (blank(auth.tokenSecretName())) {
                    violations.add(new Violation(
                            "spec.dataPlane.auth.tokenSecretName", DataPlaneSpec.AuthSpec.BEARER_NEEDS_SECRET));
                }
            }
            case KUBERNETES -> {
                if (blank(auth.serviceAccountName())) {
                    violations.add(new Violation(
                            "spec.dataPlane.auth.serviceAccountName", DataPlaneSpec.AuthSpec.KUBERNETES_NEEDS_ACCOUNT));
                }
            }
        }
    }

    public static List<Violation> validate(FeatureView view) {
        List<Violation> violations = new ArrayList<>();
        checkName(view.name(), violations);
        FeatureViewSpec spec = view.spec();
        if (spec == null) {
            violations.add(new Violation("spec", "is required"));
            return violations;
        }
        if (blank(spec.store())) {
            violations.add(new Violation("spec.store", "is required: name the FeatureStore that serves this view"));
        }
        checkSource(spec.source(), violations);
        checkEntities(spec, violations);
        checkFeatures(spec, violations);
        checkOnDemand(spec, violations);
        checkAggregations(spec, violations);
        checkPush(spec, violations);
        checkDuration("spec.ttl", spec.ttl(), violations);
        checkDuration("spec.refreshInterval", spec.refreshInterval(), violations);
        if (spec.refreshInterval() != null
                && KubeDuration.isValid(spec.refreshInterval())
                && KubeDuration.parse(spec.refreshInterval()).compareTo(MIN_REFRESH_INTERVAL) < 0) {
            violations.add(new Violation(
                    "spec.refreshInterval",
                    "must be at least " + MIN_REFRESH_INTERVAL.toSeconds()
                            + "s: each check reads the table's metadata (an object-store listing per poll)"));
        }
        return violations;
    }

    private static void checkName(String name, List<Violation> violations) {
        if (blank(name)) {
            violations.add(new Violation("metadata.name", "is required"));
        } else if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            violations.add(new Violation(
                    "metadata.name",
                    "'" + name + "' is not a valid name: use at most " + MAX_NAME_LENGTH
                            + " lower-case letters, digits and '-', starting and ending with a letter or digit"));
        }
    }

    private static void checkSource(SourceSpec source, List<Violation> violations) {
        if (source == null) {
            violations.add(new Violation("spec.source", "is required"));
            return;
        }
        if (blank(source.path()) && source.catalog() == null) {
            violations.add(
                    new Violation("spec.source.path", "is required (or name the table through spec.source.catalog)"));
        }
        if (source.catalog() != null) {
            if (blank(source.table())) {
                violations.add(new Violation(
                        "spec.source.table", "is required with a catalog: name the table as " + "namespace.name"));
            }
            CatalogSpec catalog = source.catalog();
            if (catalog.uri() != null || !catalog.properties().isEmpty()) {
                violations.add(new Violation("spec.source.catalog", CatalogSpec.VIEW_ADDRESS_REFUSED));
            } else if (catalog.name() == null && catalog.type() != CatalogType.HADOOP) {
                violations.add(new Violation(
                        "spec.source.catalog",
                        "name a catalog of the store (spec.lakehouse.catalogs), "
                                + "or give a hadoop catalog's warehouse directory"));
            } else if (catalog.name() == null && blank(catalog.warehouse())) {
                violations.add(new Violation("spec.source.catalog.warehouse", "is required for a hadoop catalog"));
            }
        }
        if (source.format() == TableFormat.DUCKDB && blank(source.table())) {
            violations.add(new Violation(
                    "spec.source.table", "is required for a DuckDB database file: name the table or view to read"));
        }
        if (source.timestampColumn() != null && source.timestampColumn().isBlank()) {
            violations.add(
                    new Violation("spec.source.timestampColumn", "must not be empty; omit it for a snapshot view"));
        }
        if (source.version() != null && source.asOf() != null) {
            violations.add(new Violation("spec.source.version", SourceSpec.ONE_PIN));
        } else if (source.version() != null && source.version() < 0) {
            violations.add(new Violation("spec.source.version", "must not be negative"));
        } else if (source.asOf() != null) {
            try {
                TablePin.parseInstant(source.asOf());
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("spec.source.asOf", e.getMessage()));
            }
        }
        if (source.createdTimestampColumn() != null && source.isSnapshot()) {
            violations.add(new Violation(
                    "spec.source.createdTimestampColumn",
                    "only breaks ties between event timestamps, so it needs spec.source.timestampColumn"));
        }
    }

    private static void checkEntities(FeatureViewSpec spec, List<Violation> violations) {
        if (spec.entities().isEmpty()) {
            violations.add(new Violation("spec.entities", "needs at least one join key"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.entities().size(); i++) {
            EntitySpec entity = spec.entities().get(i);
            String field = "spec.entities[" + i + "]";
            if (entity == null) {
                violations.add(new Violation(field, "must not be empty"));
                continue;
            }
            checkIdentifier(field + ".name", entity.name(), violations);
            if (entity.name() != null && !seen.add(entity.name())) {
                violations.add(new Violation(field + ".name", "'" + entity.name() + "' is listed twice"));
            }
            if (entity.type() == null) {
                violations.add(new Violation(field + ".type", "is required"));
            } else if (!isKeyType(entity.type())) {
                violations.add(new Violation(
                        field + ".type",
                        "'" + entity.type().wireName()
                                + "' cannot be a join key; use string, int32, int64, bool, date, timestamp or bytes"));
            }
        }
    }

    private static void checkFeatures(FeatureViewSpec spec, List<Violation> violations) {
        if (spec.features().isEmpty() && spec.aggregations().isEmpty()) {
            violations.add(new Violation("spec.features", "needs at least one feature, or spec.aggregations one"));
        }
        Set<String> entityNames = new HashSet<>();
        spec.entities().stream().filter(e -> e != null && e.name() != null).forEach(e -> entityNames.add(e.name()));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.features().size(); i++) {
            FeatureSpec feature = spec.features().get(i);
            String field = "spec.features[" + i + "]";
            if (feature == null) {
                violations.add(new Violation(field, "must not be empty"));
                continue;
            }
            checkIdentifier(field + ".name", feature.name(), violations);
            if (feature.name() != null && !seen.add(feature.name())) {
                violations.add(new Violation(field + ".name", "'" + feature.name() + "' is listed twice"));
            }
            if (feature.name() != null && entityNames.contains(feature.name())) {
                violations.add(new Violation(field + ".name", "'" + feature.name() + "' is also a join key"));
            }
            if (feature.type() == null) {
                violations.add(new Violation(field + ".type", "is required"));
            }
            if (feature.expression() != null && feature.expression().isBlank()) {
                violations.add(new Violation(
                        field + ".expression",
                        "must not be empty; omit it to serve the column '" + feature.name() + "'"));
            }
        }
    }

    private static void checkOnDemand(FeatureViewSpec spec, List<Violation> violations) {
        Set<String> taken = new HashSet<>();
        spec.entities().stream().filter(e -> e != null && e.name() != null).forEach(e -> taken.add(e.name()));
        spec.features().stream().filter(f -> f != null && f.name() != null).forEach(f -> taken.add(f.name()));
        for (int i = 0; i < spec.onDemand().size(); i++) {
            OnDemandFeatureSpec feature = spec.onDemand().get(i);
            String field = "spec.onDemand[" + i + "]";
            if (feature == null) {
                violations.add(new Violation(field, "must not be empty"));
                continue;
            }
            checkIdentifier(field + ".name", feature.name(), violations);
            if (feature.name() != null && !taken.add(feature.name())) {
                violations.add(new Violation(
                        field + ".name",
                        "'" + feature.name() + "' is already the name of a " + "feature or join key of this view"));
            }
            if (feature.type() == null) {
                violations.add(new Violation(field + ".type", "is required"));
            }
            if (blank(feature.expression())) {
                violations.add(new Violation(field + ".expression", "is required: a CEL expression"));
            }
        }
        Set<String> requestNames = new HashSet<>();
        for (int i = 0; i < spec.requestData().size(); i++) {
            RequestFieldSpec request = spec.requestData().get(i);
            String field = "spec.requestData[" + i + "]";
            if (request == null) {
                violations.add(new Violation(field, "must not be empty"));
                continue;
            }
            checkIdentifier(field + ".name", request.name(), violations);
            if (request.name() != null && !requestNames.add(request.name())) {
                violations.add(new Violation(field + ".name", "'" + request.name() + "' is listed twice"));
            }
            if (request.type() == null) {
                violations.add(new Violation(field + ".type", "is required"));
            } else if (OnDemandExpressions.celType(request.type()).isEmpty()) {
                violations.add(new Violation(
                        field + ".type",
                        "'" + request.type().wireName() + "' has no CEL type; "
                                + "send a date as a string or timestamp"));
            }
        }
        if (!spec.requestData().isEmpty() && spec.onDemand().isEmpty()) {
            violations.add(new Violation(
                    "spec.requestData", "is read only by on-demand features; declare " + "spec.onDemand or remove it"));
        }
        OnDemandExpressions.check(spec, violations);
    }

    private static void checkAggregations(FeatureViewSpec spec, List<Violation> violations) {
        if (spec.aggregations().isEmpty()) {
            return;
        }
        if (spec.source() != null && spec.source().isSnapshot()) {
            violations.add(new Violation(
                    "spec.aggregations",
                    "aggregate events, so they need spec.source.timestampColumn: a snapshot "
                            + "view's table holds one row per key, not its history"));
        }
        Set<String> taken = new HashSet<>();
        spec.entities().stream().filter(e -> e != null && e.name() != null).forEach(e -> taken.add(e.name()));
        spec.features().stream().filter(f -> f != null && f.name() != null).forEach(f -> taken.add(f.name()));
        spec.onDemand().stream().filter(f -> f != null && f.name() != null).forEach(f -> taken.add(f.name()));
        int served = 0;
        for (int i = 0; i < spec.aggregations().size(); i++) {
            AggregationSpec aggregation = spec.aggregations().get(i);
            String field = "spec.aggregations[" + i + "]";
            if (aggregation == null) {
                violations.add(new Violation(field, "must not be empty"));
                continue;
            }
            checkIdentifier(field + ".name", aggregation.name(), violations);
            AggregationFunction function = aggregation.function();
            if (function == null) {
                violations.add(new Violation(field + ".function", "is required"));
            }
            checkAggregationSource(aggregation, field, violations);
            if (function == AggregationFunction.LAST_N) {
                if (aggregation.n() == null || aggregation.n() < 1 || aggregation.n() > AggregationFunction.MAX_N) {
                    violations.add(new Violation(
                            field + ".n",
                            "is required for last_n: how many values to serve, from 1 to "
                                    + AggregationFunction.MAX_N));
                }
            } else if (aggregation.n() != null) {
                violations.add(new Violation(field + ".n", "is read only by last_n"));
            }
            if ((aggregation.window() == null) == (aggregation.windows() == null)
                    || (aggregation.windows() != null && aggregation.windows().isEmpty())) {
                violations.add(new Violation(
                        field + ".window",
                        "give either window (the feature is named like the "
                                + "aggregation) or windows (one feature per window, named <name>_<window>)"));
                continue;
            }
            if (aggregation.windows() != null && aggregation.windows().size() > MAX_WINDOWS) {
                violations.add(new Violation(field + ".windows", "may list at most " + MAX_WINDOWS + " windows"));
                continue;
            }
            boolean several = aggregation.window() == null;
            List<String> texts = aggregation.windowTexts();
            for (int w = 0; w < texts.size(); w++) {
                String at = several ? field + ".windows[" + w + "]" : field + ".window";
                try {
                    AggregationWindow.parse(texts.get(w));
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation(at, e.getMessage()));
                    continue;
                }
                served++;
                String name = several ? aggregation.name() + "_" + texts.get(w) : aggregation.name();
                if (aggregation.name() != null && !taken.add(name)) {
                    violations.add(new Violation(
                            at,
                            "serves '" + name + "', already the name of a feature, join key or aggregation of this "
                                    + "view"));
                }
            }
        }
        if (served > MAX_FEATURES) {
            violations.add(new Violation(
                    "spec.aggregations", "serve " + served + " features; a view serves at most " + MAX_FEATURES));
        }
    }

    private static void checkAggregationSource(AggregationSpec aggregation, String field, List<Violation> violations) {
        AggregationFunction function = aggregation.function();
        if (aggregation.column() != null && aggregation.expression() != null) {
            violations.add(new Violation(field + ".expression", "give either column or expression, not both"));
            return;
        }
        if (aggregation.expression() != null && aggregation.expression().isBlank()) {
            violations.add(new Violation(field + ".expression", "must not be empty"));
            return;
        }
        if (!aggregation.hasSource()) {
            if (function != null && function.needsInput()) {
                violations.add(new Violation(
                        field + ".column",
                        "is required: " + function.wireName() + " aggregates a column's or an expression's values"));
            }
            if (aggregation.type() != null) {
                violations.add(
                        new Violation(field + ".type", "types a column or expression; count of events has none"));
            }
            return;
        }
        if (aggregation.column() != null) {
            checkIdentifier(field + ".column", aggregation.column(), violations);
        }
        if (aggregation.type() == null) {
            violations.add(new Violation(field + ".type", "is required: the value type of the column or expression"));
        } else if (function != null && !function.accepts(aggregation.type())) {
            violations.add(new Violation(
                    field + ".type",
                    function.wireName() + " cannot aggregate "
                            + aggregation.type().wireName() + " values; it takes " + function.acceptedTypes()));
        }
    }

    public static List<Violation> validate(FeatureService service) {
        List<Violation> violations = new ArrayList<>();
        checkName(service.name(), violations);
        FeatureServiceSpec spec = service.spec();
        if (spec == null) {
            violations.add(new Violation("spec", "is required"));
            return violations;
        }
        if (blank(spec.store())) {
            violations.add(new Violation("spec.store", "is required: name the FeatureStore that serves its views"));
        }
        if (spec.features().isEmpty()) {
            violations.add(new Violation("spec.features", "needs at least one 'view:feature' or 'view:*'"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.features().size(); i++) {
            String reference = spec.features().get(i);
            String field = "spec.features[" + i + "]";
            if (reference == null
                    || !FeatureServiceSpec.REFERENCE.matcher(reference).matches()) {
                violations.add(new Violation(field, "'" + reference + "' must be 'view:feature' or 'view:*'"));
            } else if (!seen.add(reference)) {
                violations.add(new Violation(field, "'" + reference + "' is listed twice"));
            }
        }
        return violations;
    }

    private static void checkPush(FeatureViewSpec spec, List<Violation> violations) {
        PushSpec push = spec.push();
        if (push == null) {
            return;
        }
        if (push.sourceName() != null
                && (push.sourceName().length() > MAX_LABEL_LENGTH
                        || !PUSH_SOURCE.matcher(push.sourceName()).matches())) {
            violations.add(new Violation(
                    "spec.push.sourceName",
                    "'" + push.sourceName() + "' is not a push source "
                            + "name: letters, digits, '_', '.' and '-', starting with a letter or '_'"));
        }
        if (push.flushInterval() != null && !KubeDuration.isValid(push.flushInterval())) {
            violations.add(new Violation(
                    "spec.push.flushInterval", "'" + push.flushInterval() + "' is not a duration such as 200ms or 1s"));
        }
        if (push.maxBatchRows() != null && (push.maxBatchRows() < 1 || push.maxBatchRows() > PushSpec.MAX_ROWS)) {
            violations.add(new Violation("spec.push.maxBatchRows", "must be from 1 to " + PushSpec.MAX_ROWS));
        }
        if (spec.takesPushes() && spec.source() != null && spec.source().isSnapshot()) {
            violations.add(new Violation(
                    "spec.push.enabled",
                    "a view that takes pushes needs "
                            + "spec.source.timestampColumn: every pushed row says when it happened"));
        }
        if (spec.takesPushes()
                && spec.source() != null
                && (spec.source().version() != null || spec.source().asOf() != null)) {
            violations.add(new Violation(
                    "spec.push.enabled",
                    "a pinned view serves one fixed table version, so "
                            + "pushes to it would never be served; unpin it or stop pushing"));
        }
    }

    private static void checkIdentifier(String field, String value, List<Violation> violations) {
        if (blank(value)) {
            violations.add(new Violation(field, "is required"));
        } else if (!IDENTIFIER.matcher(value).matches()) {
            violations.add(new Violation(field, "'" + value + "' must be an identifier (letters, digits, '_')"));
        }
    }

    private static void checkDuration(String field, String value, List<Violation> violations) {
        if (value != null && !KubeDuration.isValid(value)) {
            violations.add(
                    new Violation(field, "'" + value + "' is not a duration; write e.g. 30s, 15m, 48h, 7d or 1h30m"));
        }
    }

    private static boolean isKeyType(ValueType type) {
        return !type.isList() && type != ValueType.FLOAT32 && type != ValueType.FLOAT64;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
