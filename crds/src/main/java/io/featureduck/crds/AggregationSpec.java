package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * A time-window aggregation of a view's events, served online at the request time and historically at each entity
 * row's time by one rule ({@code docs/AGGREGATIONS.md}).
 *
 * @param name        the served feature's name with one {@code window}; with {@code windows}, each window's feature
 *                    is named {@code <name>_<window>}, e.g. {@code trips_7d}
 * @param column      the source column aggregated; or {@code expression}; neither for {@code count} of events
 * @param expression  a DuckDB SQL scalar expression over the row, under the same rules as a feature's
 * @param type        the value type of the column or expression (the served type follows from it and the function)
 * @param function    what is computed
 * @param window      the one window, e.g. {@code 1h}, {@code 30d} or {@code lifetime}
 * @param windows     several windows, one feature each
 * @param n           how many values {@code last_n} serves
 * @param description free text shown to users
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AggregationSpec(
        @Required
        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Feature name with one window; with several, each is named <name>_<window>")
        String name,

        @Pattern(SpecValidator.IDENTIFIER_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Source column aggregated; omit (with expression) for count of events")
        String column,

        @Size(min = 1, max = 4096)
        @JsonPropertyDescription("DuckDB SQL scalar expression over the row aggregated instead of a column")
        String expression,

        @JsonPropertyDescription("Value type of the column or expression; the served type follows from the function: "
                + "count and count_distinct int64, avg and stddev float64, sum int64 over integers else float64, "
                + "min, max and last the input's type, last_n a list of it")
        ValueType type,

        @Required @JsonPropertyDescription("count, sum, avg, min, max, last, last_n, count_distinct or stddev")
        AggregationFunction function,

        @Pattern(AggregationSpec.WINDOW_PATTERN)
        @Size(max = 32)
        @JsonPropertyDescription("The window, from 1s to 366d (e.g. 10m, 1h, 7d) or lifetime; or windows")
        String window,

        @Size(max = SpecValidator.MAX_WINDOWS)
        @JsonPropertyDescription("Several windows, one feature each, named <name>_<window>")
        List<String> windows,

        @Min(1) @Max(AggregationFunction.MAX_N) @JsonPropertyDescription("How many values last_n serves")
        Integer n,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description) {
    /** A window as the schema accepts it; {@link AggregationWindow#parse} holds the range. */
    public static final String WINDOW_PATTERN = "^(lifetime|([0-9]+(ms|s|m|h|d))+)$";

    public AggregationSpec {
        windows = windows == null ? null : List.copyOf(windows);
    }

    /** An aggregation of a column over one window. */
    public AggregationSpec(String name, String column, ValueType type, AggregationFunction function, String window) {
        this(name, column, null, type, function, window, null, null, null);
    }

    /** The windows as written: the one {@code window}, or {@code windows}. */
    public List<String> windowTexts() {
        if (window != null) {
            return List.of(window);
        }
        return windows == null ? List.of() : windows;
    }

    /** Whether events' values are read, from a column or an expression. */
    public boolean hasSource() {
        return column != null || expression != null;
    }
}
