package io.featureduck.dataplane.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Accepts a feature expression only if DuckDB's own parser sees exactly one scalar expression that yields one value
 * per row from that row alone: no second statement, no FROM, no subquery (which could reach other tables or table
 * functions), no window, no {@code *} or {@code COLUMNS(...)}, only functions of an allowed family
 * ({@link ExpressionFunctions}), and only the table's own columns by name (DuckDB would otherwise bind an unknown
 * name such as {@code current_date} or {@code current_user} to a function of the session). Checking the parse tree
 * rather than the text means quoting tricks cannot smuggle anything past it.
 */
public final class ExpressionValidator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExpressionValidator() {}

    /** Node classes an expression may consist of; functions are further checked by name. */
    private static final java.util.Set<String> CLASSES = java.util.Set.of(
            "COLUMN_REF",
            "CONSTANT",
            "FUNCTION",
            "OPERATOR",
            "COMPARISON",
            "CONJUNCTION",
            "CASE",
            "CAST",
            "BETWEEN",
            "LAMBDA",
            "LAMBDA_REF",
            "TYPE");

    /**
     * Returns empty when valid, else what is wrong.
     *
     * @param columns the names of the table's columns, the only names the expression may refer to
     */
    public static java.util.Optional<String> problem(
            DuckDbSession session, String expression, java.util.Set<String> columns) {
        JsonNode tree;
        try (PreparedStatement statement = session.connection().prepareStatement("SELECT json_serialize_sql(?)")) {
            statement.setString(1, "SELECT " + expression);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                tree = JSON.readTree(rs.getString(1));
            }
        } catch (SQLException | IOException e) {
            return java.util.Optional.of("cannot be parsed: " + e.getMessage());
        }
        if (tree.path("error").asBoolean(false)) {
            return java.util.Optional.of(
                    "is not valid SQL: " + tree.path("error_message").asText());
        }
        JsonNode statements = tree.path("statements");
        if (statements.size() != 1) {
            return java.util.Optional.of("must be a single expression, not several statements");
        }
        JsonNode node = statements.get(0).path("node");
        if (!"SELECT_NODE".equals(node.path("type").asText())
                || node.path("select_list").size() != 1
                || !"EMPTY".equals(node.path("from_table").path("type").asText())
                || node.path("modifiers").size() != 0
                || node.path("cte_map").path("map").size() != 0
                || !node.path("where_clause").isNull()
                        && !node.path("where_clause").isMissingNode()
                || node.path("group_expressions").size() != 0) {
            return java.util.Optional.of("must be a single scalar expression over the source columns "
                    + "(no FROM, WHERE, GROUP BY, ORDER BY or LIMIT)");
        }
        if (containsClass(node.path("select_list"), "SUBQUERY")) {
            return java.util.Optional.of("must not contain a subquery");
        }
        if (containsClass(node.path("select_list"), "WINDOW")) {
            return java.util.Optional.of("must not contain a window function");
        }
        java.util.Set<String> lambdaParameters = new java.util.HashSet<>();
        collectLambdaParameters(node.path("select_list"), lambdaParameters);
        return firstRefusal(node.path("select_list"), columns, lambdaParameters);
    }

    private static java.util.Optional<String> firstRefusal(
            JsonNode node, java.util.Set<String> columns, java.util.Set<String> lambdaParameters) {
        if (node.isObject() && node.has("class")) {
            String expressionClass = node.path("class").asText();
            if (expressionClass.equals("STAR")) {
                return java.util.Optional.of("must name its columns: * and COLUMNS(...) are not allowed");
            }
            if (!CLASSES.contains(expressionClass)) {
                return java.util.Optional.of(
                        "must not contain a " + expressionClass.toLowerCase(java.util.Locale.ROOT) + " expression");
            }
            if (expressionClass.equals("FUNCTION")) {
                String name = node.path("function_name").asText();
                if (!node.path("schema").asText().isEmpty()
                        || !node.path("catalog").asText().isEmpty()
                        || ExpressionFunctions.familyOf(name).isEmpty()) {
                    return java.util.Optional.of("calls '" + name + "', which is not a function feature expressions "
                            + "may use (allowed: arithmetic, string, date and time, list and struct, conditional and "
                            + "hashing functions of their arguments)");
                }
                if (node.path("distinct").asBoolean(false)
                        || !node.path("filter").isNull() && !node.path("filter").isMissingNode()
                        || node.path("order_bys").path("orders").size() != 0) {
                    return java.util.Optional.of("calls '" + name + "' as an aggregate (DISTINCT, FILTER or ORDER BY)");
                }
            }
            if (expressionClass.equals("COLUMN_REF")) {
                JsonNode names = node.path("column_names");
                String name =
                        names.size() == 0 ? "" : names.get(names.size() - 1).asText();
                if (names.size() != 1 || !columns.contains(name) && !lambdaParameters.contains(name)) {
                    return java.util.Optional.of(
                            "refers to '" + String.join(".", textsOf(names)) + "', which is not a column of the table");
                }
            }
        }
        for (JsonNode child : node) {
            java.util.Optional<String> refusal = firstRefusal(child, columns, lambdaParameters);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return java.util.Optional.empty();
    }

    private static java.util.List<String> textsOf(JsonNode names) {
        java.util.List<String> texts = new java.util.ArrayList<>();
        names.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    /** The names lambdas bind ({@code x} in {@code list_transform(l, x -> x + 1)}), usable inside them. */
    private static void collectLambdaParameters(JsonNode node, java.util.Set<String> names) {
        if (node.isObject() && "LAMBDA".equals(node.path("class").asText())) {
            JsonNode lhs = node.path("lhs");
            lhs.findValues("column_names").forEach(list -> list.forEach(n -> names.add(n.asText())));
        }
        for (JsonNode child : node) {
            collectLambdaParameters(child, names);
        }
    }

    private static boolean containsClass(JsonNode node, String expressionClass) {
        if (node.isObject() && expressionClass.equals(node.path("class").asText())) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsClass(child, expressionClass)) {
                return true;
            }
        }
        return false;
    }
}
