package io.featureduck.crds;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes users write them ({@code 90s}, {@code 15m}, {@code 48h}, {@code 1h30m}), plus {@code d}
 * for days because feature TTLs are usually counted in days.
 */
public final class KubeDuration {
    /** The same grammar as a regular expression, for the CRD schema. */
    public static final String PATTERN = "^([0-9]+(ms|s|m|h|d))+$";

    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private KubeDuration() {}

    public static boolean isValid(String text) {
        return text != null && WHOLE.matcher(text).matches();
    }

    /** Parses a duration; throws {@link IllegalArgumentException} naming the accepted form otherwise. */
    public static Duration parse(String text) {
        if (!isValid(text)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration; write e.g. 30s, 15m, 48h, 7d or 1h30m");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(
                    switch (part.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        case "d" -> Duration.ofDays(amount);
                        default -> throw new IllegalStateException(part.group(2));
                    });
        }
        return total;
    }
}
