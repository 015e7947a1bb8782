package io.featureduck.crds;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** How the closed sets of the definitions (formats, auth and catalog types) are read from their YAML spelling. */
final class WireNames {
    private WireNames() {}

    static <E extends Enum<E>> E parse(Class<E> type, String name, Function<E, String> wireName, String what) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (E value : type.getEnumConstants()) {
            if (wireName.apply(value).equals(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "', expected one of "
                + Arrays.stream(type.getEnumConstants()).map(wireName).collect(Collectors.joining(", ")));
    }
}
