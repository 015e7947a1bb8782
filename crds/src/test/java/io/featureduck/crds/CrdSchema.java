package io.featureduck.crds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One generated CustomResourceDefinition, checked the way a Kubernetes API server checks it: its schema must be
 * structural, its CEL rules must compile, and objects are validated against the OpenAPI schema (JSON Schema) and
 * then against every {@code x-kubernetes-validations} rule, evaluated with Google's CEL implementation.
 */
final class CrdSchema {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> OPENAPI_TYPES =
            Set.of("object", "array", "string", "integer", "number", "boolean");
    private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    final JsonNode crd;
    final JsonNode schema;
    private final Schema jsonSchema;

    private CrdSchema(JsonNode crd) {
        this.crd = crd;
        this.schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        this.jsonSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(withoutKubernetesExtensions(schema).toString(), InputFormat.JSON);
    }

    static CrdSchema load(Path file) throws IOException {
        return new CrdSchema(YAML.readTree(file.toFile()));
    }

    String kind() {
        return crd.at("/spec/names/kind").asText();
    }

    /** Violations of the structural-schema rules Kubernetes enforces for apiextensions.k8s.io/v1 CRDs. */
    List<String> structuralProblems() {
        List<String> problems = new ArrayList<>();
        if (!"object".equals(schema.path("type").asText())) {
            problems.add("openAPIV3Schema: the root must be of type object");
        }
        checkNode(schema, "openAPIV3Schema", problems, true);
        return problems;
    }

    private static void checkNode(JsonNode node, String path, List<String> problems, boolean root) {
        boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean intOrString = node.path("x-kubernetes-int-or-string").asBoolean(false);
        String type = node.path("type").asText("");
        if (!preserve && !intOrString && !OPENAPI_TYPES.contains(type)) {
            problems.add(path + ": type must be one of " + OPENAPI_TYPES + ", was '" + type + "'");
        }
        for (String forbidden : List.of("$ref", "definitions", "dependencies", "patternProperties", "uniqueItems")) {
            if (node.has(forbidden)) {
                problems.add(path + ": '" + forbidden + "' is not allowed in a structural schema");
            }
        }
        if (node.has("additionalProperties") && node.has("properties")) {
            problems.add(path + ": properties and additionalProperties are mutually exclusive");
        }
        if (node.path("additionalProperties").isBoolean()
                && !node.path("additionalProperties").asBoolean()) {
            problems.add(path + ": additionalProperties: false is not allowed");
        }
        if ("array".equals(type) && !node.path("items").isObject()) {
            problems.add(path + ": an array needs a single items schema");
        }
        if (root && node.path("properties").has("metadata")) {
            JsonNode metadata = node.path("properties").path("metadata");
            metadata.path("properties").fieldNames().forEachRemaining(f -> {
                if (!Set.of("name", "generateName").contains(f)) {
                    problems.add(path + ".metadata: only name and generateName may be restricted, not " + f);
                }
            });
        }
        for (JsonNode rule : node.path("x-kubernetes-validations")) {
            CelValidationResult compiled = CEL.compile(rule.path("rule").asText());
            if (compiled.hasError()) {
                problems.add(path + ": CEL rule '" + rule.path("rule").asText() + "' does not compile: "
                        + compiled.getErrorString());
            }
            if (rule.path("message").asText("").isBlank()) {
                problems.add(path + ": CEL rule '" + rule.path("rule").asText() + "' has no message for users");
            }
        }
        node.path("properties")
                .properties()
                .forEach(e -> checkNode(e.getValue(), path + "." + e.getKey(), problems, false));
        if (node.path("items").isObject()) {
            checkNode(node.path("items"), path + "[]", problems, false);
        }
        if (node.path("additionalProperties").isObject()) {
            checkNode(node.path("additionalProperties"), path + "{}", problems, false);
        }
    }

    /** Every problem the API server would report when creating {@code object} (or updating {@code old} to it). */
    List<String> validate(JsonNode object, JsonNode old) {
        List<String> problems = new ArrayList<>();
        jsonSchema.validate(object.toString(), InputFormat.JSON).forEach(e -> problems.add(e.toString()));
        if (problems.isEmpty()) {
            evaluateRules(schema, object, old, "", problems);
        }
        return problems;
    }

    private static void evaluateRules(JsonNode node, JsonNode value, JsonNode old, String path, List<String> problems) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        for (JsonNode rule : node.path("x-kubernetes-validations")) {
            String expression = rule.path("rule").asText();
            boolean transition = expression.contains("oldSelf");
            if (transition && (old == null || old.isMissingNode() || old.isNull())) {
                continue; // transition rules apply to updates only, when there is an old value
            }
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("self", toCel(value));
            if (transition) {
                variables.put("oldSelf", toCel(old));
            }
            try {
                CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
                if (!Boolean.TRUE.equals(RUNTIME.createProgram(ast).eval(variables))) {
                    // As the API server does: a rule with a fieldPath names that field.
                    String field = path + rule.path("fieldPath").asText("");
                    problems.add((field.isEmpty() ? "<root>" : field) + ": "
                            + rule.path("message").asText());
                }
            } catch (CelEvaluationException | dev.cel.common.CelValidationException e) {
                problems.add(path + ": rule '" + expression + "' failed to evaluate: " + e.getMessage());
            }
        }
        Iterator<Map.Entry<String, JsonNode>> properties =
                node.path("properties").properties().iterator();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            evaluateRules(
                    property.getValue(),
                    value.path(property.getKey()),
                    old == null ? null : old.path(property.getKey()),
                    path + "." + property.getKey(),
                    problems);
        }
        if (node.path("items").isObject() && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                // Kubernetes correlates list items with their old values only for map-type lists; these are not.
                evaluateRules(node.path("items"), value.get(i), null, path + "[" + i + "]", problems);
            }
        }
    }

    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(toCel(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    /** JSON Schema validators do not know Kubernetes' extensions; they carry no constraint JSON Schema can check. */
    private static JsonNode withoutKubernetesExtensions(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> extensions = new ArrayList<>();
            object.fieldNames().forEachRemaining(f -> {
                if (f.startsWith("x-kubernetes-")) {
                    extensions.add(f);
                }
            });
            object.remove(extensions);
            object.forEach(CrdSchema::strip);
        } else if (node != null && node.isArray()) {
            node.forEach(CrdSchema::strip);
        }
    }
}
