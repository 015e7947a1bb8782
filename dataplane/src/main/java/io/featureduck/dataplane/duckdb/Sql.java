package io.featureduck.dataplane.duckdb;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;

/** Quoting of names and values for DuckDB SQL: every name and value that reaches SQL text passes through here. */
public final class Sql {
    private Sql() {}

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

    /**
     * {@code value} as a SQL string. DuckDB's parser ends a literal at a NUL character, which a VARCHAR may hold all
     * the same (a partition value, a pushed string): such text goes in as the UTF-8 bytes it is, decoded.
     */
    public static String stringLiteral(String value) {
        if (value.indexOf('\0') >= 0) {
            return "decode(from_hex('" + HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)) + "'))";
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * A plain Java value (as table metadata holds partition values, see {@code DataFile}, and as pushed rows hold
     * theirs) as a literal of DuckDB type {@code duckDbType}.
     */
    public static String literal(Object value, String duckDbType) {
        String text;
        if (value == null) {
            text = "NULL";
        } else if (value instanceof String s) {
            text = stringLiteral(s);
        } else if (value instanceof byte[] bytes) {
            text = "from_hex('" + HexFormat.of().formatHex(bytes) + "')";
        } else if (value instanceof Instant instant) {
            text = "make_timestamp(" + (instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000) + "::BIGINT)";
        } else if (value instanceof LocalDateTime
                || value instanceof LocalDate
                || value instanceof java.time.LocalTime) {
            text = stringLiteral(value.toString());
        } else if (value instanceof BigDecimal decimal) {
            text = stringLiteral(decimal.toPlainString());
        } else if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            text = Double.isNaN(d) || Double.isInfinite(d) ? stringLiteral(Double.toString(d)) : Double.toString(d);
        } else if (value instanceof Number || value instanceof Boolean) {
            text = value.toString();
        } else {
            throw new IllegalArgumentException("unsupported value " + value + " (" + value.getClass() + ")");
        }
        return "CAST(" + text + " AS " + duckDbType + ")";
    }
}
