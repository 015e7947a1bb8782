package io.featureduck.dataplane.error;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one pass every message takes before it leaves the process (error bodies, gRPC statuses, view reports): what a
 * client may see of this process, and no more.
 * <ul>
 *   <li><b>Paths.</b> Each absolute local prefix the process knows (the lakehouse root as it resolved it, temporary
 *       and cache directories) is shown as configured or by a placeholder; any other absolute path of this machine
 *       that remains (a library's message naming a file) is shown by its last segment only, as {@code …/name}.</li>
 *   <li><b>SQL.</b> The statement text DuckDB appends to its errors ({@code LINE 1: SELECT ...}) is cut, and a
 *       statement still quoted in a message is replaced by {@code <SQL>}: the SQL is the data plane's own, not the
 *       caller's, and shows its internals.</li>
 *   <li><b>Secrets.</b> Signature and key parameters of object-store URLs are replaced by {@code <redacted>}.</li>
 *   <li><b>Echoes.</b> A quoted name, or a run of text without spaces, longer than {@value #MAX_QUOTED} characters
 *       (a client's 100 KB view name) is cut there, and a whole message at {@value #MAX_MESSAGE} characters.</li>
 * </ul>
 * The data plane's own log keeps every message whole for its operators.
 */
public final class Redaction {
    /** The longest quoted name echoed back. */
    public static final int MAX_QUOTED = 200;
    /** The longest message sent. */
    public static final int MAX_MESSAGE = 4_000;
    /** Statements and table functions as DuckDB's messages quote them. */
    public static final Pattern SQL = Pattern.compile("\\b(SELECT|INSERT INTO|CREATE (TEMP |OR REPLACE )?(TABLE|VIEW)"
            + "|COPY \\(|ATTACH|DESCRIBE|PRAGMA|QUALIFY|GROUP BY|ORDER BY)\\b|\\bFROM \\w|read_parquet\\(|read_json\\("
            + "|read_csv\\(|CAST\\(|epoch_us\\(");

    private static final Redaction NONE = new Redaction(Map.of());
    /** DuckDB's error messages end with the statement: {@code LINE 1: SELECT ...}. */
    private static final Pattern SQL_LINE = Pattern.compile("\\n*[ \\t]*LINE \\d+:[^\\n]*(\\n[ \\t]*\\^[ \\t]*)?");
    /** An absolute local path, or a {@code file:} URI of one, standing on its own. */
    private static final Pattern ABSOLUTE_PATH =
            Pattern.compile("(?<![\\w.~:/%\\\\-])(?:file:(?://)?)?/[^\\s'\"(),;\\[\\]{}<>`]+");
    /**
     * The top-level directories of this machine's file system: a path under one of them is a place on this machine;
     * any other ({@code /v2/everything}, a route a client asked for) is not, and is shown as sent.
     */
    private static final Set<String> LOCAL_ROOTS = localRoots();

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)\\b(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential|sig"
                    + "|AccountKey|SharedAccessSignature)=[^&\\s;'\"]+");
    /** A quoted name: the quote opens after no letter and closes before none, unlike an apostrophe ("Hudi's"). */
    private static final Pattern QUOTED = Pattern.compile("(?<!\\w)'([^'\\n]{" + (MAX_QUOTED + 1) + ",}?)'(?!\\w)"
            + "|(?<!\\w)\"([^\"\\n]{" + (MAX_QUOTED + 1) + ",}?)\"(?!\\w)");
    /** A run without spaces, such as a name echoed without quotes (room left for a cut quoted name's quotes). */
    private static final Pattern LONG_WORD = Pattern.compile("\\S{" + (MAX_QUOTED + 8) + ",}");

    private final List<Map.Entry<String, String>> replacements;

    private Redaction(Map<String, String> replacements) {
        List<Map.Entry<String, String>> ordered = new ArrayList<>();
        replacements.forEach((from, to) -> {
            if (from != null && from.length() > 1) {
                ordered.add(Map.entry(from, to));
            }
        });
        // Longest first, so that a cache directory inside the temporary directory keeps its own placeholder.
        ordered.sort(Comparator.comparingInt(
                        (Map.Entry<String, String> e) -> e.getKey().length())
                .reversed());
        this.replacements = List.copyOf(ordered);
    }

    /** @param replacements absolute prefix to what is shown instead, e.g. the root as the store's spec names it */
    public static Redaction of(Map<String, String> replacements) {
        return new Redaction(new LinkedHashMap<>(replacements));
    }

    /** No known prefixes: paths, SQL, secrets and long echoes are still redacted. */
    public static Redaction none() {
        return NONE;
    }

    public String apply(String text) {
        if (text == null) {
            return null;
        }
        // Long echoes are cut first (each pattern a single pass), and anything past what can be sent is dropped, so
        // that no pattern below runs over a huge echo.
        String shown = QUOTED.matcher(text).replaceAll(m -> {
            String quote = m.group(1) != null ? "'" : "\"";
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            return Matcher.quoteReplacement(quote + name.substring(0, MAX_QUOTED) + "…" + quote);
        });
        shown = LONG_WORD
                .matcher(shown)
                .replaceAll(m -> Matcher.quoteReplacement(m.group().substring(0, MAX_QUOTED) + "…"));
        shown = shown.length() > 4 * MAX_MESSAGE ? shown.substring(0, 4 * MAX_MESSAGE) : shown;
        shown = SQL_LINE.matcher(shown).replaceAll("");
        // Known prefixes become tokens first, so that what they are shown as is not taken for a path below.
        List<String> tokens = new ArrayList<>(replacements.size());
        for (Map.Entry<String, String> replacement : replacements) {
            if (shown.contains(replacement.getKey())) {
                String token = "\u0000" + tokens.size() + "\u0000";
                tokens.add(replacement.getValue());
                shown = shown.replace(replacement.getKey(), token);
            }
        }
        shown = ABSOLUTE_PATH.matcher(shown).replaceAll(m -> Matcher.quoteReplacement(lastSegment(m.group())));
        for (int i = 0; i < tokens.size(); i++) {
            shown = shown.replace("\u0000" + i + "\u0000", tokens.get(i));
        }
        shown = SECRET_PARAMETER.matcher(shown).replaceAll("$1=<redacted>");
        shown = withoutSql(shown);
        return shown.length() > MAX_MESSAGE ? shown.substring(0, MAX_MESSAGE) + "…" : shown;
    }

    /** A statement left in a message is shown as {@code <SQL>}, from its first keyword to the end of its line. */
    private static String withoutSql(String text) {
        Matcher sql = SQL.matcher(text);
        if (!sql.find()) {
            return text;
        }
        int end = text.indexOf('\n', sql.start());
        return text.substring(0, sql.start()) + "<SQL>" + (end < 0 ? "" : withoutSql(text.substring(end)));
    }

    /** An absolute path shown by its last segment, when it is a place on this machine. */
    private static String lastSegment(String found) {
        String bare = found.replaceFirst("^file:(//)?", "");
        String[] segments = bare.split("/");
        List<String> named = new ArrayList<>();
        for (String segment : segments) {
            if (!segment.isEmpty()) {
                named.add(segment);
            }
        }
        if (named.size() < 2 || !LOCAL_ROOTS.contains(named.get(0))) {
            return found;
        }
        return "…/" + named.get(named.size() - 1);
    }

    private static Set<String> localRoots() {
        Set<String> roots = new java.util.HashSet<>();
        try (java.util.stream.Stream<java.nio.file.Path> top = java.nio.file.Files.list(java.nio.file.Path.of("/"))) {
            top.forEach(p -> roots.add(p.getFileName().toString()));
        } catch (java.io.IOException | RuntimeException e) {
            roots.addAll(Set.of("tmp", "home", "root", "var", "etc", "opt", "usr", "mnt", "srv", "data", "work"));
        }
        return Set.copyOf(roots);
    }
}
