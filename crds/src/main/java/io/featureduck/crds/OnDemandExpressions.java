package io.featureduck.crds;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CEL environment of a view's on-demand features, in one place for the operator (which refuses a view whose
 * expressions do not compile) and the data plane (which evaluates them): each stored feature is a variable of its
 * name, each request field a variable {@code request.<name>}, with CEL types from the declared value types.
 */
public final class OnDemandExpressions {
    /** The prefix of request data in expressions, as in {@code request.trip_km}. */
    public static final String REQUEST = "request.";

    private OnDemandExpressions() {}

    /**
     * One compiled expression: the checked syntax tree and the variables it reads, split into stored features and
     * request fields (without the {@code request.} prefix).
     */
    public record Compiled(
            OnDemandFeatureSpec feature, CelAbstractSyntaxTree ast, List<String> features, List<String> requestFields) {
        public Compiled {
            features = List.copyOf(features);
            requestFields = List.copyOf(requestFields);
        }
    }

    /** The CEL type a value of {@code type} has in expressions; empty for dates, which CEL has no type for. */
    public static Optional<CelType> celType(ValueType type) {
        if (type.isList()) {
            return celType(type.elementType()).map(ListType::create);
        }
        return switch (type) {
            case STRING -> Optional.of(SimpleType.STRING);
            case INT32, INT64 -> Optional.of(SimpleType.INT);
            case FLOAT32, FLOAT64 -> Optional.of(SimpleType.DOUBLE);
            case BOOL -> Optional.of(SimpleType.BOOL);
            case BYTES -> Optional.of(SimpleType.BYTES);
            case TIMESTAMP -> Optional.of(SimpleType.TIMESTAMP);
            default -> Optional.empty();
        };
    }

    /**
     * Compiles every on-demand feature of {@code spec}.
     *
     * @throws IllegalArgumentException naming the feature and CEL's message, for the first that does not compile
     */
    public static List<Compiled> compile(FeatureViewSpec spec) {
        List<Compiled> compiled = new ArrayList<>(spec.onDemand().size());
        List<Violation> violations = new ArrayList<>();
        compile(spec, compiled, violations);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(violations.get(0).toString());
        }
        return compiled;
    }

    /** Adds a violation for each on-demand feature of {@code spec} that does not compile. */
    static void check(FeatureViewSpec spec, List<Violation> violations) {
        compile(spec, new ArrayList<>(), violations);
    }

    private static void compile(FeatureViewSpec spec, List<Compiled> compiled, List<Violation> violations) {
        if (spec.onDemand().isEmpty()) {
            return;
        }
        CelCompilerBuilder environment =
                CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        Set<String> features = new HashSet<>();
        for (FeatureSpec feature : spec.features()) {
            if (feature != null && feature.name() != null && feature.type() != null) {
                celType(feature.type()).ifPresent(type -> {
                    environment.addVar(feature.name(), type);
                    features.add(feature.name());
                });
            }
        }
        for (AggregatedFeature aggregated : aggregatedInputs(spec)) {
            celType(aggregated.type()).ifPresent(type -> {
                environment.addVar(aggregated.name(), type);
                features.add(aggregated.name());
            });
        }
        for (RequestFieldSpec field : spec.requestData()) {
            if (field != null && field.name() != null && field.type() != null) {
                celType(field.type()).ifPresent(type -> environment.addVar(REQUEST + field.name(), type));
            }
        }
        CelCompiler base = environment.build();
        for (int i = 0; i < spec.onDemand().size(); i++) {
            OnDemandFeatureSpec feature = spec.onDemand().get(i);
            String field = "spec.onDemand[" + i + "]";
            if (feature == null
                    || feature.type() == null
                    || feature.expression() == null
                    || feature.expression().isBlank()) {
                continue;
            }
            Optional<CelType> result = celType(feature.type());
            if (result.isEmpty()) {
                violations.add(
                        new Violation(
                                field + ".type",
                                "'" + feature.type().wireName() + "' cannot be computed "
                                        + "by CEL; use string, int32, int64, float32, float64, bool, bytes, timestamp or a list of them"));
                continue;
            }
            try {
                CelAbstractSyntaxTree ast = base.toCompilerBuilder()
                        .setResultType(result.get())
                        .build()
                        .compile(feature.expression())
                        .getAst();
                Set<String> readFeatures = new LinkedHashSet<>();
                Set<String> readRequest = new LinkedHashSet<>();
                ast.getReferenceMap().values().forEach(reference -> {
                    String name = reference.name();
                    if (name.startsWith(REQUEST)) {
                        readRequest.add(name.substring(REQUEST.length()));
                    } else if (features.contains(name)) {
                        readFeatures.add(name);
                    }
                });
                compiled.add(new Compiled(feature, ast, List.copyOf(readFeatures), List.copyOf(readRequest)));
            } catch (CelValidationException e) {
                violations.add(new Violation(
                        field + ".expression",
                        "does not compile as CEL producing " + feature.type().wireName() + ": " + e.getMessage()));
            }
        }
    }

    /** The aggregated features on-demand features may read; none while the aggregations are not valid yet. */
    private static List<AggregatedFeature> aggregatedInputs(FeatureViewSpec spec) {
        try {
            return spec.aggregatedFeatures();
        } catch (RuntimeException invalid) {
            return List.of(); // SpecValidator names what is wrong with them
        }
    }
}
