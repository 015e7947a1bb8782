package io.featureduck.dataplane.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Accepts a feature expression only if DuckDB's own parser sees exactly one scalar expression: no second statement,
 * no FROM, no subquery (which could reach other tables or table functions), no window. Checking the parse tree
 * rather than the text means quoting tricks cannot smuggle anything past it.
 */
public final class ExpressionValidator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExpressionValidator() {
    }

    /** Returns empty when valid, else what is wrong. */
    public static java.util.Optional<String> problem(DuckDbSession session, String expression) {
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
            return java.util.Optional.of("is not valid SQL: " + tree.path("error_message").asText());
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
                || !node.path("where_clause").isNull() && !node.path("where_clause").isMissingNode()
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
        return java.util.Optional.empty();
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
