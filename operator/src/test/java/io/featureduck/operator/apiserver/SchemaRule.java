package io.featureduck.operator.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One constraint of a CRD's OpenAPI schema or one of its CEL rules ({@code x-kubernetes-validations}), read from the
 * generated CRD. A schema constraint knows how to break itself; a CEL rule needs a case written for it.
 *
 * @param kind     the resource kind
 * @param path     where it applies, as the API server names fields: {@code spec.features[0].name}; empty for the root
 * @param keyword  {@code enum}, {@code pattern}, {@code minimum}, ..., or {@code rule} for a CEL rule
 * @param value    the constraint (the pattern, the bound, the required field) or the CEL rule's message
 * @param schema   the schema node it is declared on (for a CEL rule, the rule itself)
 */
public record SchemaRule(String kind, String path, String keyword, JsonNode value, JsonNode schema) {
    private static final List<String> KEYWORDS =
            List.of("enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Every constraint and rule of the CRD's spec and metadata (status is written by the operator, not users). */
    public static List<SchemaRule> of(JsonNode crd) {
        String kind = crd.at("/spec/names/kind").asText();
        List<SchemaRule> rules = new ArrayList<>();
        JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        collect(kind, schema, "", rules);
        return rules;
    }

    private static void collect(String kind, JsonNode node, String path, List<SchemaRule> rules) {
        for (String keyword : KEYWORDS) {
            if (node.has(keyword)) {
                rules.add(new SchemaRule(kind, path, keyword, node.get(keyword), node));
            }
        }
        for (JsonNode required : node.path("required")) {
            rules.add(new SchemaRule(kind, join(path, required.asText()), "required", required, node));
        }
        for (JsonNode rule : node.path("x-kubernetes-validations")) {
            rules.add(new SchemaRule(kind, path, "rule", rule.path("message"), rule));
        }
        node.path("properties").properties().forEach(p -> {
            if (!(path.isEmpty() && p.getKey().equals("status"))) {
                collect(kind, p.getValue(), join(path, p.getKey()), rules);
            }
        });
        if (node.path("items").isObject()) {
            collect(kind, node.path("items"), path + "[0]", rules);
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public boolean isCelRule() {
        return keyword.equals("rule");
    }

    @Override
    public String toString() {
        return kind + " " + (path.isEmpty() ? "<root>" : path) + " " + keyword + " " + value.asText(value.toString());
    }

    /**
     * {@code base} changed to break this schema constraint, and nothing else where possible: the value at the path is
     * replaced by one just outside the bound (objects and lists on the way are created when the base lacks them).
     */
    public ObjectNode breaking(ObjectNode base) {
        ObjectNode object = base.deepCopy();
        List<String> segments = segments(path);
        String last = segments.get(segments.size() - 1);
        JsonNode parent = parent(object, segments);
        if (keyword.equals("required")) {
            ((ObjectNode) parent).remove(last);
            return object;
        }
        JsonNode broken = switch (keyword) {
            case "enum" -> NODES.textNode("no-such-value");
            case "pattern" -> NODES.textNode(mismatch(value.asText()));
            case "minimum" -> NODES.numberNode(value.asLong() - 1);
            case "maximum" -> NODES.numberNode(value.asLong() + 1);
            case "minLength" -> NODES.textNode("");
            case "maxLength" -> NODES.textNode("a".repeat(value.asInt() + 1));
            case "minItems" -> NODES.arrayNode();
            case "maxItems" -> tooMany(parent.path(last), schema.path("items"), value.asInt() + 1);
            default -> throw new IllegalStateException("no way to break " + this);
        };
        set(parent, last, broken);
        return object;
    }

    /** What the API server's refusal must say about this constraint, beyond naming the field. */
    public String expectedMessage() {
        return switch (keyword) {
            case "enum" -> "Unsupported value: \"no-such-value\"";
            case "pattern" -> value.asText();
            case "required" -> "Required value";
            case "rule" -> value.asText();
            default -> Long.toString(value.asLong());
        };
    }

    /** The field the API server names in its refusal: for a CEL rule, the field its fieldPath points at. */
    public String field() {
        String fieldPath = isCelRule() ? schema.path("fieldPath").asText("") : "";
        return fieldPath.isEmpty() ? path : path.isEmpty() ? fieldPath.substring(1) : path + fieldPath;
    }

    private static String mismatch(String pattern) {
        Pattern compiled = Pattern.compile(pattern);
        return Optional.of("-x-")
                .filter(s -> !compiled.matcher(s).find())
                .or(() -> Optional.of("x y!").filter(s -> !compiled.matcher(s).find()))
                .orElseThrow(() -> new IllegalStateException("no test value breaks the pattern " + pattern));
    }

    private static ArrayNode tooMany(JsonNode existing, JsonNode itemSchema, int count) {
        ArrayNode items = NODES.arrayNode();
        JsonNode item = existing.isArray() && !existing.isEmpty()
                ? existing.get(0)
                : itemSchema.path("type").asText().equals("object") ? NODES.objectNode() : NODES.textNode("x");
        for (int i = 0; i < count; i++) {
            items.add(item.deepCopy());
        }
        return items;
    }

    /** The path's segments: {@code spec.features[0].name} is spec, features, [0], name. */
    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                segments.add(part);
            } else {
                segments.add(part.substring(0, bracket));
                segments.add(part.substring(bracket));
            }
        }
        return segments;
    }

    /** The node holding the path's last segment, creating objects and one-item lists the base lacks. */
    private static JsonNode parent(ObjectNode root, List<String> segments) {
        JsonNode node = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            String segment = segments.get(i);
            boolean nextIsIndex = segments.get(i + 1).startsWith("[");
            if (segment.startsWith("[")) {
                ArrayNode list = (ArrayNode) node;
                if (list.isEmpty()) {
                    list.addObject();
                }
                node = list.get(0);
                continue;
            }
            ObjectNode object = (ObjectNode) node;
            if (!object.has(segment) || object.get(segment).isNull()) {
                if (nextIsIndex) {
                    object.putArray(segment);
                } else {
                    object.putObject(segment);
                }
            }
            node = object.get(segment);
        }
        return node;
    }

    private static void set(JsonNode parent, String last, JsonNode value) {
        if (last.startsWith("[")) {
            ArrayNode list = (ArrayNode) parent;
            if (list.isEmpty()) {
                list.add(value);
            } else {
                list.set(0, value);
            }
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }
}
