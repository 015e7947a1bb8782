package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.time.Duration;

/**
 * Whether a view takes Feast pushes ({@code POST /push}, {@code /write-to-online-store}): each push is a commit to
 * the view's own table, so the online and the offline store are the same rows.
 *
 * @param enabled       whether pushes are accepted (default false: a view is read-only unless it opts in)
 * @param sourceName    the Feast push source name clients send as {@code push_source_name}; default the view's name
 * @param flushInterval how long pushed rows wait for others to share their commit (default 200ms)
 * @param maxBatchRows  rows that make a commit at once, without waiting for the flush interval (default 10000)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushSpec(
        @JsonPropertyDescription("Whether pushes are accepted (default false)")
        Boolean enabled,

        @Pattern(PushSpec.SOURCE_NAME_PATTERN)
        @Size(max = 253)
        @JsonPropertyDescription("Feast push source name clients send as push_source_name; default the view's name")
        String sourceName,

        @Pattern(KubeDuration.PATTERN)
        @Size(max = 32)
        @JsonPropertyDescription("How long pushed rows wait to share one commit with others, e.g. 200ms (default)")
        String flushInterval,

        @Min(1)
        @Max(PushSpec.MAX_ROWS)
        @JsonPropertyDescription(
                "Rows that make a commit at once, without waiting for the flush interval " + "(default 10000)")
        Integer maxBatchRows) {
    public static final String SOURCE_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_.-]*$";
    public static final int MAX_ROWS = 100_000;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
    public static final int DEFAULT_MAX_BATCH_ROWS = 10_000;

    /** Not named {@code isEnabled}: Jackson would take it for the getter of {@code enabled} and drop that. */
    @JsonIgnore
    public boolean accepted() {
        return Boolean.TRUE.equals(enabled);
    }

    @JsonIgnore
    public Duration flushEvery() {
        return flushInterval == null ? DEFAULT_FLUSH_INTERVAL : KubeDuration.parse(flushInterval);
    }

    @JsonIgnore
    public int batchRows() {
        return maxBatchRows == null ? DEFAULT_MAX_BATCH_ROWS : maxBatchRows;
    }
}
