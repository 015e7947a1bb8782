package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator last saw of a FeatureView: whether its store accepted it and what the data plane serves.
 *
 * @param observedGeneration the spec generation this status describes
 * @param conditions         {@code Accepted} and {@code Ready}
 * @param format             the table format in effect (the view's own or its store's)
 * @param tableVersion       table version the data plane serves
 * @param rows               entities in the online index
 * @param lastRefresh        when the data plane last loaded the table (RFC 3339)
 * @param lastError          the data plane's last load error, if the last load failed
 * @param pinned             the pin of the version served ({@code version 3}, {@code asOf <time>}); absent when
 *                           the view follows its table
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureViewStatus(
        @JsonPropertyDescription("The spec generation this status describes")
        Long observedGeneration,

        @JsonPropertyDescription("Accepted and Ready") List<Condition> conditions,

        @JsonPropertyDescription("Table format in effect: the view's own or its store's")
        String format,

        @JsonPropertyDescription("Table version the data plane serves")
        Long tableVersion,

        @JsonPropertyDescription("Entities in the online index")
        Long rows,

        @JsonPropertyDescription("When the data plane last loaded the table (RFC 3339)")
        String lastRefresh,

        @JsonPropertyDescription("The data plane's last load error, if its last load failed")
        String lastError,

        @JsonPropertyDescription("The pin of the table version served (version N or asOf <time>); absent while the "
                + "view follows its table")
        String pinned) {
    public FeatureViewStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public static Builder builder(Long observedGeneration, List<Condition> conditions) {
        return new Builder(observedGeneration, conditions);
    }

    /** A status field by field: a view not served yet has only its generation, conditions and perhaps format. */
    public static final class Builder {
        private final Long observedGeneration;
        private final List<Condition> conditions;
        private String format;
        private Long tableVersion;
        private Long rows;
        private String lastRefresh;
        private String lastError;
        private String pinned;

        private Builder(Long observedGeneration, List<Condition> conditions) {
            this.observedGeneration = observedGeneration;
            this.conditions = conditions;
        }

        public Builder format(String tableFormat) {
            this.format = tableFormat;
            return this;
        }

        public Builder tableVersion(Long version) {
            this.tableVersion = version;
            return this;
        }

        public Builder rows(Long entities) {
            this.rows = entities;
            return this;
        }

        public Builder lastRefresh(String at) {
            this.lastRefresh = at;
            return this;
        }

        public Builder lastError(String error) {
            this.lastError = error;
            return this;
        }

        public Builder pinned(String pin) {
            this.pinned = pin;
            return this;
        }

        public FeatureViewStatus build() {
            return new FeatureViewStatus(
                    observedGeneration, conditions, format, tableVersion, rows, lastRefresh, lastError, pinned);
        }
    }
}
