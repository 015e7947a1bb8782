package io.featureduck.dataplane.ondemand;

import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.OnDemandExpressions;
import io.featureduck.crds.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A request-time feature, compiled once when its view is loaded and evaluated for each entity of a request after the
 * lookup (and for each entity row of a historical request), in microseconds and without DuckDB.
 *
 * <p>Values go in and come out in the forms of {@code values/FeatureValues}. A result is absent ({@code NULL_VALUE}
 * to clients) when an input the expression reads is absent, or when evaluation fails for that entity (a division by
 * zero, an int32 result out of range): one entity's bad data does not fail the others. Every evaluation spends an
 * {@link EvaluationBudget}, whose end fails the request: an expression quadratic in a request value cannot hold a
 * thread for long.
 */
public final class OnDemandFeature {
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final String name;
    private final ValueType type;
    private final String expression;
    private final CelRuntime.Program program;
    private final List<String> features;
    private final List<String> requestFields;

    private OnDemandFeature(OnDemandExpressions.Compiled compiled) {
        this.name = compiled.feature().name();
        this.type = compiled.feature().type();
        this.expression = compiled.feature().expression();
        this.features = compiled.features();
        this.requestFields = compiled.requestFields();
        try {
            this.program = RUNTIME.createProgram(compiled.ast());
        } catch (dev.cel.common.CelException e) {
            throw new IllegalArgumentException("on-demand feature '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * The on-demand features of a view, compiled.
     *
     * @throws IllegalArgumentException naming the first feature whose expression does not compile
     */
    public static List<OnDemandFeature> compile(FeatureViewSpec spec) {
        return OnDemandExpressions.compile(spec).stream()
                .map(OnDemandFeature::new)
                .toList();
    }

    public String name() {
        return name;
    }

    public ValueType type() {
        return type;
    }

    public String expression() {
        return expression;
    }

    /** The view's stored features the expression reads. */
    public List<String> features() {
        return features;
    }

    /** The request fields it reads, without the {@code request.} prefix. */
    public List<String> requestFields() {
        return requestFields;
    }

    /**
     * The value for one entity, from its stored features and request values by name ({@code null} when absent),
     * each evaluated node spent from {@code budget}.
     *
     * @throws io.featureduck.dataplane.error.FeatureDuckException {@code ON_DEMAND_BUDGET_EXCEEDED} when the budget
     *         runs out: the request is refused, not answered with nulls
     */
    public Object evaluate(
            Function<String, Object> feature, Function<String, Object> request, EvaluationBudget budget) {
        Map<String, Object> inputs = new HashMap<>(4 * (features.size() + requestFields.size()) / 3 + 1);
        for (String input : features) {
            Object value = feature.apply(input);
            if (value == null) {
                return null;
            }
            inputs.put(input, toCel(value));
        }
        for (String input : requestFields) {
            Object value = request.apply(input);
            if (value == null) {
                return null;
            }
            inputs.put(OnDemandExpressions.REQUEST + input, toCel(value));
        }
        try {
            return fromCel(program.trace(inputs, (node, value) -> budget.spend(name)), type);
        } catch (CelEvaluationException e) {
            if (e.getCause() instanceof io.featureduck.dataplane.error.FeatureDuckException exceeded) {
                throw exceeded;
            }
            return null;
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static Object toCel(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        } else if (value instanceof Float f) {
            return f.doubleValue();
        } else if (value instanceof byte[] bytes) {
            return CelByteString.of(bytes);
        } else if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            for (Object item : list) {
                converted.add(item == null ? dev.cel.common.values.NullValue.NULL_VALUE : toCel(item));
            }
            return converted;
        }
        return value;
    }

    private static Object fromCel(Object value, ValueType type) {
        if (type.isList()) {
            List<?> list = (List<?>) value;
            List<Object> converted = new ArrayList<>(list.size());
            for (Object item : list) {
                converted.add(fromCel(item, type.elementType()));
            }
            return converted;
        }
        return switch (type) {
            case INT32 -> Math.toIntExact((Long) value);
            case FLOAT32 -> ((Double) value).floatValue();
            case BYTES -> ((CelByteString) value).toByteArray();
            default -> value;
        };
    }
}
