package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * How a HistoricalRetrieval went.
 *
 * @param observedGeneration the spec generation this status describes
 * @param phase              where it is ({@link RetrievalPhase})
 * @param conditions         {@code Complete}: True once the training set is written, False with the reason when it
 *                           failed or cannot start yet
 * @param sparkApplication   the SparkApplication running it
 * @param tableVersions      exactly the table versions it reads, pinned when it was planned
 * @param rows               rows written
 * @param output             where they were written
 * @param startTime          when it was submitted
 * @param completionTime     when it succeeded or failed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoricalRetrievalStatus(
        @JsonPropertyDescription("The spec generation this status describes")
        Long observedGeneration,

        @JsonPropertyDescription("Pending, Running, Succeeded or Failed")
        RetrievalPhase phase,

        @JsonPropertyDescription("Complete: True once written; False with the reason otherwise")
        List<Condition> conditions,

        @JsonPropertyDescription("The SparkApplication running it")
        String sparkApplication,

        @JsonPropertyDescription("The table versions it reads, pinned when planned")
        List<TableVersion> tableVersions,

        @JsonPropertyDescription("Rows written") Long rows,

        @JsonPropertyDescription("Where the rows were written")
        String output,

        @JsonPropertyDescription("When it was submitted") String startTime,

        @JsonPropertyDescription("When it succeeded or failed")
        String completionTime) {

    public HistoricalRetrievalStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        tableVersions = tableVersions == null ? List.of() : List.copyOf(tableVersions);
    }

    /**
     * One table version read: Delta's version, Iceberg's snapshot id or Hudi's instant time.
     *
     * @param view    the feature view it serves
     * @param format  its table format
     * @param version the version in the format's own terms (none for Parquet)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableVersion(String view, String format, String version) {}

    /** Where a retrieval is. */
    public enum RetrievalPhase {
        /** Not yet submitted: the plan is being made, or cannot be made yet (see the Complete condition). */
        Pending,
        /** Submitted to the Spark operator, running or waiting for resources. */
        Running,
        /** The training set is written. */
        Succeeded,
        /** It failed; the Complete condition says why. Create a new retrieval to try again. */
        Failed;

        public boolean isFinal() {
            return this == Succeeded || this == Failed;
        }
    }
}
