package io.featureduck.dataplane.duckdb;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The DuckDB functions a feature expression may call, by family: pure functions of their arguments, one value per
 * row. Anything else is refused, whatever DuckDB adds in a later version: functions that read the environment, the
 * session, the clock or the file system ({@code getenv}, {@code current_setting}, {@code current_query}, {@code now},
 * {@code read_text}), random ones ({@code random}, {@code uuid}), set-returning ones ({@code unnest},
 * {@code generate_series}, {@code range}) and aggregates. Operators ({@code +}, {@code ||}, {@code LIKE} as
 * {@code ~~}) are functions in DuckDB's parse tree and are listed with their family.
 */
final class ExpressionFunctions {
    static final Map<String, Set<String>> FAMILIES = families();

    private ExpressionFunctions() {
    }

    /** The family allowing {@code name} (case-insensitive), or empty when no family does. */
    static Optional<String> familyOf(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (Map.Entry<String, Set<String>> family : FAMILIES.entrySet()) {
            if (family.getValue().contains(lower)) {
                return Optional.of(family.getKey());
            }
        }
        return Optional.empty();
    }

    private static Map<String, Set<String>> families() {
        Map<String, Set<String>> families = new LinkedHashMap<>();
        families.put("arithmetic", Set.of("+", "-", "*", "/", "//", "%", "**", "^", "abs", "ceil", "ceiling", "floor",
                "round", "round_even", "trunc", "sqrt", "cbrt", "pow", "power", "exp", "ln", "log", "log2", "log10",
                "sign", "greatest", "least", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "degrees",
                "radians", "pi", "isnan", "isinf", "isfinite", "even", "gcd", "lcm", "fdiv", "fmod", "divide",
                "add", "subtract", "multiply", "mod", "&", "|", "xor", "<<", ">>", "~", "bit_count"));
        families.put("string", Set.of("||", "~~", "!~~", "~~*", "!~~*", "~~~", "lower", "upper", "lcase", "ucase",
                "length", "strlen", "char_length", "character_length", "concat", "concat_ws", "substring",
                "substr", "left", "right", "trim", "ltrim", "rtrim", "replace", "starts_with", "ends_with",
                "contains", "strpos", "instr", "position", "lpad", "rpad", "reverse", "repeat", "split_part",
                "string_split", "str_split", "regexp_matches", "regexp_full_match", "regexp_replace",
                "regexp_extract", "prefix", "suffix", "ascii", "chr", "like_escape", "ilike_escape", "format",
                "printf", "levenshtein", "jaro_winkler_similarity", "hamming", "translate", "strip_accents",
                "nfc_normalize", "array_to_string", "list_to_string"));
        families.put("date and time", Set.of("date_part", "datepart", "date_trunc", "datetrunc", "date_diff",
                "datediff", "date_sub", "datesub", "date_add", "year", "month", "day", "hour", "minute", "second",
                "millisecond", "microsecond", "dayofweek", "dayofmonth", "dayofyear", "weekday", "week",
                "weekofyear", "yearweek", "quarter", "isodow", "isoyear", "era", "decade", "century", "millennium",
                "epoch", "epoch_ms", "epoch_us", "epoch_ns", "make_date", "make_time", "make_timestamp",
                "make_timestamptz", "to_timestamp", "strftime", "strptime", "try_strptime", "last_day",
                "monthname", "dayname", "to_years", "to_months", "to_weeks", "to_days", "to_hours", "to_minutes",
                "to_seconds", "to_milliseconds", "to_microseconds", "time_bucket", "timezone"));
        families.put("list and struct", Set.of("list_value", "list_pack", "list_extract", "list_element",
                "array_extract", "len", "array_length", "list_contains", "list_has", "array_contains",
                "array_has", "list_position", "list_indexof", "array_position", "list_sum", "list_min",
                "list_max", "list_avg", "list_count", "list_sort", "array_sort", "list_reverse_sort",
                "list_distinct", "array_distinct", "list_unique", "list_slice", "array_slice", "list_concat",
                "array_concat", "list_cat", "flatten", "list_reverse", "array_reverse", "list_transform",
                "array_transform", "list_apply", "list_filter", "array_filter", "list_has_any", "list_has_all",
                "list_intersect", "list_zip", "struct_extract", "struct_pack", "row", "map", "map_extract",
                "element_at", "map_keys", "map_values", "cardinality", "array_value", "list_resize"));
        families.put("conditional", Set.of("ifnull", "nullif", "if", "coalesce", "typeof"));
        families.put("hashing", Set.of("hash", "md5", "sha1", "sha256"));
        return Map.copyOf(families);
    }
}
