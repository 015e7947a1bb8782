package io.featureduck.crds.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What one data-plane pod serves of one view: the contract between the data plane, which writes it as
 * {@code GET /v1/views/{name}}, and the operator, which turns it into the FeatureView's status. Both use this record
 * with Jackson, so neither can add or misread a field alone. Times are ISO-8601 instants; fields of an index are null
 * until one is served.
 *
 * @param tableVersion     table version of the index served
 * @param dataAgeSeconds   seconds since that version was committed
 * @param rows             rows in that table version
 * @param entitiesLoaded   entities in the index
 * @param indexValueBytes  bytes of the index's raw values
 * @param loadMillis       how long the latest successful load or refresh took
 * @param lastError        why the latest load or refresh failed, while it has not recovered
 * @param degraded         serving an older version than the table has, because the latest load failed
 * @param onDemand         request-time features, with their CEL expressions
 * @param requestData      the values requests send for them ({@code request.<name>})
 * @param pinned           the pin of the definition served ({@code version 3}, {@code asOf <time>}), if any
 * @param reloading        the pod has a newer definition of the view than the one its index was built from, and
 *                         is loading it (or failed to: see lastError)
 * @param dataFiles        data files of the table version served
 * @param smallFiles       those of them smaller than {@value #SMALL_FILE_BYTES} bytes: many small files (pushes
 *                         add one per commit) slow every reader down, and call for the table's own compaction
 * @param push             how the view takes pushes; null when it takes none
 * @param shard            what of the table this pod's shard holds; null when it holds every key
 * @param aggregations     the view's time-window aggregations and the memory their events take; null when it has none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ViewReport(
        String name,
        ViewState state,
        Source source,
        List<Column> entities,
        List<Column> features,
        @JsonProperty("ttl_seconds") Long ttlSeconds,
        boolean online,
        @JsonProperty("table_version") Long tableVersion,
        @JsonProperty("data_age_seconds") Long dataAgeSeconds,
        @JsonProperty("table_committed_at") String tableCommittedAt,
        Long rows,
        @JsonProperty("entities_loaded") Long entitiesLoaded,
        @JsonProperty("loaded_at") String loadedAt,
        @JsonProperty("index_value_bytes") Long indexValueBytes,
        @JsonProperty("load_millis") Long loadMillis,
        @JsonProperty("refresh_interval_seconds") long refreshIntervalSeconds,
        @JsonProperty("last_checked_at") String lastCheckedAt,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("last_error_at") String lastErrorAt,
        @JsonProperty("consecutive_failures") int consecutiveFailures,
        @JsonProperty("next_retry_at") String nextRetryAt,
        boolean degraded,
        @JsonProperty("on_demand") List<Column> onDemand,
        @JsonProperty("request_data") List<Column> requestData,
        String pinned,
        boolean reloading,
        @JsonProperty("data_files") Long dataFiles,
        @JsonProperty("small_files") Long smallFiles,
        Push push,
        Shard shard,
        Aggregations aggregations) {
    /** Below this size a data file counts as small: well under what compaction writes (128 MiB and more). */
    public static final long SMALL_FILE_BYTES = 8L << 20;

    public ViewReport {
        entities = entities == null ? List.of() : List.copyOf(entities);
        features = features == null ? List.of() : List.copyOf(features);
        onDemand = onDemand == null ? List.of() : List.copyOf(onDemand);
        requestData = requestData == null ? List.of() : List.copyOf(requestData);
    }

    /**
     * A view's aggregations as served: each feature, and the events held to compute them (every aggregation counts
     * toward {@code index_value_bytes}, which the operator sizes pods by).
     *
     * @param features       one per aggregation and window
     * @param eventsHeld     events the index holds
     * @param heldAfter      events at or before this time are not held (no window reaches them); null when every
     *                       event is (a lifetime window)
     * @param stateBytes     bytes of the events held: times, per-entity offsets and input values
     * @param bytesPerEntity {@code stateBytes} per entity held
     * @param historySince   the table's earliest event: a window reaching before it covers less than it says
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Aggregations(
            List<Aggregated> features,
            @JsonProperty("events_held") long eventsHeld,
            @JsonProperty("held_after") String heldAfter,
            @JsonProperty("state_bytes") long stateBytes,
            @JsonProperty("bytes_per_entity") double bytesPerEntity,
            @JsonProperty("history_since") String historySince) {
        public Aggregations {
            features = features == null ? List.of() : List.copyOf(features);
        }
    }

    /**
     * One aggregated feature.
     *
     * @param inputBytes  bytes of the values it reads, shared with the other features that read them (0 for count of
     *                    events, which reads only the times)
     * @param shortOfData why the window, ending now, covers less than it says (it reaches before the table's
     *                    earliest event); null when it does not
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Aggregated(
            String name,
            String type,
            String function,
            String window,
            @JsonProperty("input_bytes") long inputBytes,
            @JsonProperty("short_of_data") String shortOfData) {}

    /** The table a view reads. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Source(
            String format,
            String path,
            @JsonProperty("timestamp_column") String timestampColumn,
            @JsonProperty("created_timestamp_column") String createdTimestampColumn) {}

    /** A join key or feature: its name and declared type, and a feature's expression if it has one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String name, String type, String expression) {}

    /**
     * A view's push settings (its Feast push source and how pushes are batched into commits) and what became of its
     * pushes beyond their answers.
     *
     * @param unwrittenAsyncRows rows acknowledged with {@code ?ack=async} that could not be written after every retry
     * @param lastError          why the latest such push failed, or why a commit could not be read back
     * @param suspended          why pushes are refused now (an earlier commit cannot be read back); null when they
     *                           are taken
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Push(
            @JsonProperty("source_name") String sourceName,
            @JsonProperty("flush_interval_millis") long flushIntervalMillis,
            @JsonProperty("max_batch_rows") int maxBatchRows,
            @JsonProperty("unwritten_async_rows") long unwrittenAsyncRows,
            @JsonProperty("last_error") String lastError,
            @JsonProperty("last_error_at") String lastErrorAt,
            String suspended) {}

    /**
     * What a shard of a sharded store holds of the view's table; absent when the pod holds every key (an unsharded
     * store, or a table under the store's {@code replicateBelowRows}).
     *
     * @param of                which shard, {@code i/N}
     * @param firstSlot         the first hash slot held
     * @param endSlot           one past the last slot held
     * @param rowsKept          rows of the table version in the slots held
     * @param readAmplification rows read per row kept: the table is read whole and filtered by slot
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Shard(
            String of,
            @JsonProperty("first_slot") int firstSlot,
            @JsonProperty("end_slot") int endSlot,
            @JsonProperty("rows_kept") long rowsKept,
            @JsonProperty("read_amplification") double readAmplification) {}

    /**
     * A view the pod does not serve because its definition was refused: its name, {@link ViewState#FAILED}, and why
     * in {@code lastError}; nothing else is known of it.
     */
    public static ViewReport refused(String name, String reason) {
        return new ViewReport(
                name,
                ViewState.FAILED,
                null,
                List.of(),
                List.of(),
                null,
                true,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                reason,
                null,
                1,
                null,
                false,
                List.of(),
                List.of(),
                null,
                false,
                null,
                null,
                null,
                null,
                null);
    }

    /** Whether an index is served. */
    public boolean serving() {
        return tableVersion != null;
    }
}
