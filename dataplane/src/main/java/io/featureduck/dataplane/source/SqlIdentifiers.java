package io.featureduck.dataplane.source;

/** Quoting of names and strings for DuckDB SQL; every name that reaches SQL text passes through here. */
public final class SqlIdentifiers {
    private SqlIdentifiers() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static String stringLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
