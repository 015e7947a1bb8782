package io.featureduck.dataplane.error;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client may see of this process's file system: each absolute local prefix (the lakehouse root as the process
 * resolved it, temporary and cache directories) is shown as configured or by a placeholder, in every error message
 * and view report that leaves the process. The data plane's own log keeps the real paths for its operators.
 */
public final class Redaction {
    private static final Redaction NONE = new Redaction(Map.of());

    private final List<Map.Entry<String, String>> replacements;

    private Redaction(Map<String, String> replacements) {
        List<Map.Entry<String, String>> ordered = new ArrayList<>();
        replacements.forEach((from, to) -> {
            if (from != null && from.length() > 1) {
                ordered.add(Map.entry(from, to));
            }
        });
        // Longest first, so that a cache directory inside the temporary directory keeps its own placeholder.
        ordered.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        this.replacements = List.copyOf(ordered);
    }

    /** @param replacements absolute prefix to what is shown instead, e.g. the root as the store's spec names it */
    public static Redaction of(Map<String, String> replacements) {
        return new Redaction(new LinkedHashMap<>(replacements));
    }

    public static Redaction none() {
        return NONE;
    }

    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String shown = text;
        for (Map.Entry<String, String> replacement : replacements) {
            shown = shown.replace(replacement.getKey(), replacement.getValue());
        }
        return shown;
    }
}
