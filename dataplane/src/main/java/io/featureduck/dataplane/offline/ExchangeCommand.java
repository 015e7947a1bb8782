package io.featureduck.dataplane.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command of one call of Feast's remote offline store: the JSON its client puts in the flight descriptor
 * ({@code {"command_id": ..., "api": "get_historical_features", "feature_refs": [...], ...}}, Feast 0.67's
 * {@code feast/infra/offline_stores/remote.py}).
 *
 * @param api              which offline store method the client calls
 * @param featureRefs      the features asked for, as {@code view:feature}
 * @param fullFeatureNames whether output columns are named {@code view__feature}
 * @param project          the Feast project (the store)
 * @param entitySql        an entity "DataFrame" given as SQL, which FeatureDuck does not run
 * @param start            {@code start_date}, when given
 * @param end              {@code end_date}, when given
 * @param pull             what a pull names: data source, columns
 */
record ExchangeCommand(
        Api api,
        List<FeatureRef> featureRefs,
        boolean fullFeatureNames,
        String project,
        Optional<String> entitySql,
        Optional<Instant> start,
        Optional<Instant> end,
        Pull pull) {
    /**
     * The arguments of {@code pull_latest_from_table_or_query} and {@code pull_all_from_table_or_query}.
     *
     * @param dataSource      the data source's name: a view's, as the registry names them
     * @param joinKeys        {@code join_key_columns}
     * @param features        {@code feature_name_columns}
     * @param timestampField  {@code timestamp_field}
     */
    record Pull(String dataSource, List<String> joinKeys, List<String> features, String timestampField) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The offline store methods the protocol carries, by the name Feast's client sends. */
    enum Api {
        GET_HISTORICAL_FEATURES("get_historical_features"),
        PULL_LATEST_FROM_TABLE_OR_QUERY("pull_latest_from_table_or_query"),
        PULL_ALL_FROM_TABLE_OR_QUERY("pull_all_from_table_or_query"),
        GET_TABLE_COLUMN_NAMES_AND_TYPES("get_table_column_names_and_types_from_data_source"),
        OFFLINE_WRITE_BATCH("offline_write_batch"),
        WRITE_LOGGED_FEATURES("write_logged_features"),
        PERSIST("persist"),
        VALIDATE_DATA_SOURCE("validate_data_source");

        private final String wireName;

        Api(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }

        static Optional<Api> of(String name) {
            for (Api api : values()) {
                if (api.wireName.equals(name)) {
                    return Optional.of(api);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Reads the descriptor's command.
     *
     * @throws FeatureDuckException {@code BAD_REQUEST} for a command that is not such JSON, or names an unknown api
     */
    static ExchangeCommand parse(byte[] command) {
        JsonNode json;
        try {
            json = JSON.readTree(command);
        } catch (IOException e) {
            throw new FeatureDuckException(
                    ErrorCode.BAD_REQUEST,
                    "the flight descriptor's command is not the JSON object of Feast's remote offline store");
        }
        if (json == null || !json.isObject()) {
            throw new FeatureDuckException(
                    ErrorCode.BAD_REQUEST,
                    "the flight descriptor's command is not the JSON object of Feast's remote offline store");
        }
        String name = json.path("api").asText("");
        Api api = Api.of(name)
                .orElseThrow(() -> new FeatureDuckException(
                        ErrorCode.BAD_REQUEST,
                        "unknown offline store api '" + name + "'; this server answers get_historical_features"));
        List<FeatureRef> refs = new ArrayList<>();
        JsonNode features = json.path("feature_refs");
        if (!features.isMissingNode() && !features.isNull()) {
            if (!features.isArray()) {
                throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "feature_refs must be a list of view:feature");
            }
            features.forEach(ref -> refs.add(FeatureRef.parse(ref.asText())));
        }
        return new ExchangeCommand(
                api,
                refs,
                json.path("full_feature_names").asBoolean(false),
                json.path("project").asText(""),
                Optional.ofNullable(json.get("entity_df_sql"))
                        .filter(JsonNode::isTextual)
                        .map(JsonNode::asText),
                time(json, "start_date"),
                time(json, "end_date"),
                new Pull(
                        json.path("data_source_name").asText(""),
                        texts(json, "join_key_columns"),
                        texts(json, "feature_name_columns"),
                        json.path("timestamp_field").asText("")));
    }

    /** The ISO time of {@code field} (Python's {@code isoformat()}; without an offset, UTC), when present. */
    private static Optional<Instant> time(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String text = value.asText();
        try {
            TemporalAccessor parsed =
                    DateTimeFormatter.ISO_DATE_TIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
            return Optional.of(
                    parsed instanceof OffsetDateTime offset
                            ? offset.toInstant()
                            : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD, field + " '" + text + "' is not an ISO date and time");
        }
    }

    private static List<String> texts(JsonNode json, String field) {
        JsonNode list = json.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, field + " must be a list of column names");
        }
        List<String> names = new ArrayList<>();
        list.forEach(name -> names.add(name.asText()));
        return names;
    }
}
