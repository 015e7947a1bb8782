package io.featureduck.dataplane.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.source.ColumnType;
import io.featureduck.dataplane.source.SourceColumn;
import io.featureduck.dataplane.values.EpochMicros;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a push's {@code df} ({@code {"column": [values...]}}, Feast's shape) into {@link PushedRows} of the view's
 * table, or refuses the whole push naming the column and row at fault. Nothing is written before this passes, so an
 * invalid push writes nothing.
 *
 * <p>Timestamps are ISO-8601 strings ({@code 2024-05-01T10:00:00Z}, also with a space for the {@code T} and without
 * an offset, read as UTC, as pandas writes them) or epoch seconds. Bytes are base64 strings. A table column the push
 * leaves out is null, except the view's created-timestamp column, which becomes the time the push was received so that
 * a re-pushed event wins its tie with the older row.
 */
public final class PushValidator {
    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .optionalEnd()
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();
    private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
            .append(LOCAL_DATE_TIME)
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .appendOffset("+HH:MM:ss", "Z")
            .toFormatter();
    private static final DateTimeFormatter WITH_SHORT_OFFSET = new DateTimeFormatterBuilder()
            .append(LOCAL_DATE_TIME)
            .appendOffset("+HHmm", "Z")
            .toFormatter();

    private static final BigDecimal MIN_SECONDS = BigDecimal.valueOf(EpochMicros.MIN.getEpochSecond());
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(EpochMicros.MAX.getEpochSecond() + 1);
    private static final String OUT_OF_RANGE =
            "outside the times every reader of the table accepts, " + EpochMicros.MIN + " to " + EpochMicros.MAX;

    private PushValidator() {}

    /**
     * @param df         the push's {@code df}
     * @param columns    the table's columns, as the served version has them
     * @param maxRows    the most rows one push may carry
     * @param receivedAt when the push arrived, for a created-timestamp column the push leaves out
     */
    public static PushedRows validate(
            ViewDefinition view, JsonNode df, List<SourceColumn> columns, int maxRows, Instant receivedAt) {
        if (df == null || !df.isObject() || df.isEmpty()) {
            throw invalid(view, "'df' must be an object of columns, each a list of values: {\"column\": [v1, v2]}");
        }
        int rows = -1;
        Set<String> known = new HashSet<>();
        columns.forEach(c -> known.add(c.name()));
        for (Iterator<Map.Entry<String, JsonNode>> it = df.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            if (!known.contains(column.getKey())) {
                throw invalid(
                        view,
                        "column '" + column.getKey() + "' is not a column of the view's table; its columns " + "are "
                                + columns.stream().map(SourceColumn::name).toList());
            }
            if (!column.getValue().isArray()) {
                throw invalid(view, "column '" + column.getKey() + "' must be a list of values, one per row");
            }
            int size = column.getValue().size();
            if (rows >= 0 && size != rows) {
                throw invalid(
                        view,
                        "column '" + column.getKey() + "' has " + size + " values, the columns before it " + rows
                                + ": every column needs a value for every row");
            }
            rows = size;
        }
        if (rows == 0) {
            throw invalid(view, "'df' has no rows");
        }
        if (rows > maxRows) {
            throw FeatureDuckException.ofView(
                    ErrorCode.PUSH_TOO_LARGE,
                    view.name(),
                    "a push carries at most " + maxRows + " rows (spec.push.maxBatchRows); this one has " + rows
                            + ": split it");
        }
        List<String> required = new ArrayList<>(view.entityNames());
        required.add(view.timestampColumn());
        for (String name : required) {
            if (!df.has(name)) {
                throw invalid(
                        view,
                        "column '" + name + "' is missing: every pushed row needs the join keys " + view.entityNames()
                                + " and the timestamp column '" + view.timestampColumn() + "'");
            }
        }
        List<Object[]> values = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            values.add(new Object[columns.size()]);
        }
        for (int c = 0; c < columns.size(); c++) {
            SourceColumn column = columns.get(c);
            JsonNode given = df.get(column.name());
            if (given == null) {
                if (column.name().equals(view.createdTimestampColumn())) {
                    Object created = createdAt(view, column, receivedAt);
                    for (Object[] row : values) {
                        row[c] = created;
                    }
                } else if (!column.nullable()) {
                    throw invalid(
                            view,
                            "column '" + column.name() + "' is missing, and the table declares it NOT "
                                    + "NULL: send a value for every row");
                }
                continue;
            }
            boolean key = required.contains(column.name());
            for (int row = 0; row < rows; row++) {
                JsonNode value = given.get(row);
                if (value.isNull()) {
                    if (key) {
                        throw invalid(
                                view,
                                "column '" + column.name() + "', row " + row + ": is null, and "
                                        + (column.name().equals(view.timestampColumn())
                                                ? "every row needs its event time"
                                                : "join keys cannot be null"));
                    }
                    if (!column.nullable()) {
                        throw invalid(
                                view,
                                "column '" + column.name() + "', row " + row + ": is null, and the table "
                                        + "declares the column NOT NULL");
                    }
                    continue;
                }
                try {
                    values.get(row)[c] = typed(value, column.type());
                } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
                    throw invalid(
                            view,
                            "column '" + column.name() + "', row " + row + ": " + describe(value) + " is not a "
                                    + typeName(column.type()) + reason(e));
                }
            }
        }
        return new PushedRows(columns, values);
    }

    /**
     * One row whose values all come as text, as Feast's gRPC push sends them ({@code map<string, string>}): each read
     * as its column's type would be written in JSON, so the same checks and messages apply to it as to a {@code df}.
     */
    public static JsonNode textRow(Map<String, String> row, List<SourceColumn> columns) {
        com.fasterxml.jackson.databind.node.ObjectNode df =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, String> value : row.entrySet()) {
            ColumnType type = columns.stream()
                    .filter(c -> c.name().equals(value.getKey()))
                    .findFirst()
                    .map(SourceColumn::type)
                    .orElse(null);
            df.putArray(value.getKey()).add(fromText(value.getValue(), type));
        }
        return df;
    }

    private static JsonNode fromText(String text, ColumnType type) {
        com.fasterxml.jackson.databind.node.JsonNodeFactory nodes =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        if (text == null
                || text.isEmpty()
                        && !(type instanceof ColumnType.Primitive p && p.scalar() == ColumnType.Scalar.STRING)) {
            return nodes.nullNode();
        }
        if (type instanceof ColumnType.Primitive p) {
            try {
                switch (p.scalar()) {
                    case INT8, INT16, INT32, INT64:
                        return nodes.numberNode(Long.parseLong(text.strip()));
                    case FLOAT32, FLOAT64, DECIMAL:
                        return nodes.numberNode(new BigDecimal(text.strip()));
                    case TIMESTAMP, TIMESTAMP_NTZ:
                        return text.strip().matches("-?[0-9]+(\\.[0-9]+)?")
                                ? nodes.numberNode(new BigDecimal(text.strip()))
                                : nodes.textNode(text);
                    case BOOLEAN:
                        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                            return nodes.booleanNode(Boolean.parseBoolean(text));
                        }
                        break;
                    default:
                        break;
                }
            } catch (NumberFormatException e) {
                return nodes.textNode(text); // refused below, naming the column and its type
            }
        }
        return nodes.textNode(text);
    }

    private static Object createdAt(ViewDefinition view, SourceColumn column, Instant receivedAt) {
        Instant micros = receivedAt.truncatedTo(ChronoUnit.MICROS);
        if (column.type() instanceof ColumnType.Primitive p) {
            switch (p.scalar()) {
                case TIMESTAMP:
                    return micros;
                case TIMESTAMP_NTZ:
                    return LocalDateTime.ofInstant(micros, ZoneOffset.UTC);
                case DATE:
                    return LocalDate.ofInstant(micros, ZoneOffset.UTC);
                default:
                    break;
            }
        }
        throw invalid(
                view,
                "column '" + column.name() + "' (the created timestamp) is missing, and its type "
                        + typeName(column.type()) + " cannot hold the time of the push: send it");
    }

    private static Object typed(JsonNode value, ColumnType type) {
        if (!(type instanceof ColumnType.Primitive primitive)) {
            throw new IllegalArgumentException(
                    "nested and engine-specific columns cannot be pushed; leave the column " + "out to write null");
        }
        return switch (primitive.scalar()) {
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new IllegalArgumentException((String) null);
                }
                yield value.booleanValue();
            }
            case INT8 -> whole(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> whole(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> whole(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32, FLOAT64 -> floating(value, primitive.scalar() == ColumnType.Scalar.FLOAT32);
            case DECIMAL -> decimal(value, primitive);
            case STRING -> unicode(text(value));
            case UUID -> UUID.fromString(text(value)).toString();
            case BINARY -> Base64.getDecoder().decode(text(value));
            case DATE -> date(LocalDate.parse(text(value)));
            case TIME -> LocalTime.parse(text(value));
            case TIMESTAMP -> instant(value);
            case TIMESTAMP_NTZ ->
                value.isNumber() ? LocalDateTime.ofInstant(instant(value), ZoneOffset.UTC) : localDateTime(text(value));
        };
    }

    /** A number its column's floating-point type holds: one that would overflow to infinity is refused. */
    private static double floating(JsonNode value, boolean single) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException((String) null);
        }
        double number = value.doubleValue();
        if (Double.isNaN(number) || Double.isInfinite(number) || single && Math.abs(number) > Float.MAX_VALUE) {
            throw new IllegalArgumentException("beyond the range of " + (single ? "float32" : "float64"));
        }
        return number;
    }

    /** Text that UTF-8 can carry: a lone surrogate (JSON's {@code "\ud800"}) would be written as '?'. */
    private static String unicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        "a lone UTF-16 surrogate at character " + i + " is not Unicode text");
            }
        }
        return text;
    }

    private static LocalDate date(LocalDate date) {
        if (date.isBefore(EpochMicros.MIN.atZone(ZoneOffset.UTC).toLocalDate())
                || date.isAfter(EpochMicros.MAX.atZone(ZoneOffset.UTC).toLocalDate())) {
            throw new IllegalArgumentException(
                    "outside the dates every reader of the table accepts, 0001-01-01 to " + "9999-12-31");
        }
        return date;
    }

    /** A time every reader of the table accepts, to the microsecond (the tables' unit). */
    private static Instant inRange(Instant instant) {
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        if (!EpochMicros.inRange(micros)) {
            throw new IllegalArgumentException(OUT_OF_RANGE);
        }
        return micros;
    }

    private static long whole(JsonNode value, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException((String) null);
        }
        long v = value.longValue();
        if (v < min || v > max) {
            throw new IllegalArgumentException("out of range " + min + ".." + max);
        }
        return v;
    }

    private static BigDecimal decimal(JsonNode value, ColumnType.Primitive type) {
        BigDecimal decimal = value.isNumber() ? value.decimalValue() : new BigDecimal(text(value));
        // Judged by its digits before any arithmetic: 1e999999999 would take a billion digits to rescale.
        if (decimal.signum() != 0 && decimal.precision() - decimal.scale() > type.precision() - type.scale()) {
            throw new IllegalArgumentException(
                    "more than " + (type.precision() - type.scale()) + " digits before " + "the decimal point");
        }
        if (decimal.scale() > type.scale()) {
            decimal = decimal.stripTrailingZeros();
            if (decimal.scale() > type.scale()) {
                throw new IllegalArgumentException("more than " + type.scale() + " digits after the decimal point");
            }
        }
        // No silent rounding: a value that needs more digits than the column keeps is refused.
        BigDecimal scaled = decimal.setScale(type.scale(), java.math.RoundingMode.UNNECESSARY);
        if (scaled.precision() > type.precision()) {
            throw new IllegalArgumentException("more than " + type.precision() + " digits");
        }
        return scaled;
    }

    private static String text(JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException((String) null);
        }
        return value.textValue();
    }

    private static Instant instant(JsonNode value) {
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue().stripTrailingZeros();
            // Compared before any conversion, which would wrap (2^64) or overflow (1e300) silently.
            if (seconds.compareTo(MIN_SECONDS) < 0 || seconds.compareTo(MAX_SECONDS) > 0) {
                throw new IllegalArgumentException(OUT_OF_RANGE);
            }
            // Rounding 1e-999999999 to nanoseconds would compute a billion-digit power of ten.
            if (seconds.scale() > 18) {
                throw new IllegalArgumentException("more than 18 decimal places");
            }
            BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
            return inRange(Instant.ofEpochSecond(
                    whole.longValueExact(),
                    seconds.subtract(whole)
                            .movePointRight(9)
                            .setScale(0, java.math.RoundingMode.FLOOR)
                            .longValueExact()));
        }
        String text = text(value).strip();
        Instant parsed;
        if (hasOffset(text)) {
            parsed = parseOffset(text).toInstant();
        } else {
            parsed = LocalDateTime.parse(text, LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
        }
        return inRange(parsed);
    }

    private static LocalDateTime localDateTime(String text) {
        String stripped = text.strip();
        LocalDateTime parsed = hasOffset(stripped)
                ? LocalDateTime.ofInstant(parseOffset(stripped).toInstant(), ZoneOffset.UTC)
                : LocalDateTime.parse(stripped, LOCAL_DATE_TIME);
        return LocalDateTime.ofInstant(inRange(parsed.toInstant(ZoneOffset.UTC)), ZoneOffset.UTC);
    }

    private static OffsetDateTime parseOffset(String text) {
        try {
            return OffsetDateTime.parse(text, WITH_OFFSET);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text, WITH_SHORT_OFFSET);
        }
    }

    /** An offset follows the time: a Z, or a sign after the date's own dashes. */
    private static boolean hasOffset(String text) {
        if (text.endsWith("Z") || text.endsWith("z")) {
            return true;
        }
        int time = Math.max(text.indexOf('T'), text.indexOf(' '));
        return time > 0 && (text.indexOf('+', time) > 0 || text.indexOf('-', time) > 0);
    }

    /** Why a value was refused, without echoing it again (a parser's message quotes the whole text). */
    private static String reason(RuntimeException e) {
        if (e instanceof DateTimeParseException parse) {
            return " (cannot be read from character " + parse.getErrorIndex() + ")";
        }
        String message = e.getMessage();
        if (message == null) {
            return "";
        }
        return " (" + (message.length() > 120 ? message.substring(0, 120) + "..." : message) + ")";
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    static String typeName(ColumnType type) {
        if (type instanceof ColumnType.Primitive p) {
            return switch (p.scalar()) {
                case DECIMAL -> "decimal(" + p.precision() + "," + p.scale() + ")";
                case TIMESTAMP -> "timestamp (ISO-8601 text or epoch seconds)";
                case TIMESTAMP_NTZ -> "timestamp without time zone (ISO-8601 text)";
                case DATE -> "date (yyyy-mm-dd)";
                case BINARY -> "binary value (base64 text)";
                case BOOLEAN -> "boolean (true or false)";
                default -> p.scalar().name().toLowerCase(java.util.Locale.ROOT);
            };
        }
        return type instanceof ColumnType.Native n ? n.name() : "nested column";
    }

    private static FeatureDuckException invalid(ViewDefinition view, String message) {
        return FeatureDuckException.ofView(ErrorCode.INVALID_PUSH, view.name(), message);
    }
}
