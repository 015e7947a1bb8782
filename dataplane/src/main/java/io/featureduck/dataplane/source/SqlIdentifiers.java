package io.featureduck.dataplane.source;

/** Quoting of names and strings for DuckDB SQL; every name that reaches SQL text passes through here. */
public final class SqlIdentifiers {
    private SqlIdentifiers() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code name} or {@code schema.name} with each part quoted. */
    public static String qualified(String name) {
        StringBuilder quoted = new StringBuilder();
        for (String part : name.split("\\.")) {
            quoted.append(quoted.isEmpty() ? "" : ".").append(quote(part));
        }
        return quoted.toString();
    }

    public static String stringLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
