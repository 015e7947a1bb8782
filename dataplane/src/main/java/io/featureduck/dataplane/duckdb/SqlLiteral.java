package io.featureduck.dataplane.duckdb;

import io.featureduck.dataplane.source.SqlIdentifiers;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;

/** Renders partition values (the plain Java values of {@code DataFile}) as typed DuckDB literals. */
final class SqlLiteral {
    private SqlLiteral() {
    }

    static String of(Object value, String duckDbType) {
        String text;
        if (value == null) {
            text = "NULL";
        } else if (value instanceof String s) {
            text = SqlIdentifiers.stringLiteral(s);
        } else if (value instanceof byte[] bytes) {
            text = "from_hex('" + HexFormat.of().formatHex(bytes) + "')";
        } else if (value instanceof Instant instant) {
            text = "make_timestamp(" + (instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000) + "::BIGINT)";
        } else if (value instanceof LocalDateTime || value instanceof LocalDate) {
            text = SqlIdentifiers.stringLiteral(value.toString());
        } else if (value instanceof BigDecimal decimal) {
            text = SqlIdentifiers.stringLiteral(decimal.toPlainString());
        } else if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            text = Double.isNaN(d) || Double.isInfinite(d) ? SqlIdentifiers.stringLiteral(Double.toString(d)) : Double.toString(d);
        } else if (value instanceof Number || value instanceof Boolean) {
            text = value.toString();
        } else {
            throw new IllegalArgumentException("unsupported partition value " + value + " (" + value.getClass() + ")");
        }
        return "CAST(" + text + " AS " + duckDbType + ")";
    }
}
