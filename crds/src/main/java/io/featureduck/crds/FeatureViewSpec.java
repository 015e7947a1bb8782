package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A set of features read from one table, keyed by its entities.
 *
 * @param store           name of the FeatureStore serving this view
 * @param source          the table and its time columns
 * @param entities        join keys, in the order clients name them
 * @param features        served features
 * @param ttl             how old a value may be and still be served, e.g. {@code 48h}; absent means no expiry
 * @param online          whether the view is loaded for online serving (default true)
 * @param refreshInterval how often the table is checked for a new version, e.g. {@code 1m}
 * @param description     free text shown to users
 * @param onDemand        request-time features computed by CEL after the lookup
 * @param requestData     values requests send for the on-demand features ({@code request.<name>})
 * @param push            whether and how Feast pushes write the view's table
 * @param aggregations    time-window aggregations of the view's events, computed at request time
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
// fieldPath: the API server names that field in its refusal, so kubectl points at what to fix.
@ValidationRule(
        value =
                "(has(self.features) && size(self.features) > 0) || (has(self.aggregations) && size(self.aggregations) > 0)",
        message = "a view serves at least one feature or aggregation",
        fieldPath = ".features")
@ValidationRule(
        value = "!has(self.features) || self.features.all(f, self.features.exists_one(g, g.name == f.name))",
        message = "feature names must be unique within a view",
        fieldPath = ".features")
@ValidationRule(
        value = "self.entities.all(e, self.entities.exists_one(g, g.name == e.name))",
        message = "entity names must be unique within a view",
        fieldPath = ".entities")
@ValidationRule(
        value = "!has(self.features) || self.features.all(f, !self.entities.exists(e, e.name == f.name))",
        message = "a feature cannot have the name of a join key",
        fieldPath = ".features")
@ValidationRule(
        value = "!has(self.source.timestampColumn) || "
                + "!self.entities.exists(e, e.name == self.source.timestampColumn)",
        message = "the timestamp column cannot also be a join key",
        fieldPath = ".source.timestampColumn")
@ValidationRule(
        value =
                "!has(self.onDemand) || self.onDemand.all(o, !(has(self.features) && self.features.exists(f, f.name == o.name)) "
                        + "&& !self.entities.exists(e, e.name == o.name))",
        message = "an on-demand feature cannot have the name of a feature or a join key",
        fieldPath = ".onDemand")
@ValidationRule(
        value = "!has(self.push) || !has(self.push.enabled) || !self.push.enabled "
                + "|| (has(self.source.timestampColumn) && self.source.timestampColumn != '')",
        message = "a view that takes pushes needs source.timestampColumn: every pushed row says when it happened",
        fieldPath = ".push")
@ValidationRule(
        value = "self.entities == oldSelf.entities",
        message =
                "entities (join keys) cannot change: clients and trained models key on them; create a new FeatureView",
        fieldPath = ".entities")
public record FeatureViewSpec(
        @Required
        @Pattern(SpecValidator.NAME_PATTERN)
        @Size(max = SpecValidator.MAX_NAME_LENGTH)
        @JsonPropertyDescription("Name of the FeatureStore (in this namespace) that serves this view")
        String store,

        @Required @JsonPropertyDescription("The table and its time columns")
        SourceSpec source,

        @Required
        @Size(min = 1, max = SpecValidator.MAX_ENTITIES)
        @JsonPropertyDescription("Join keys, in the order clients name them; immutable")
        List<EntitySpec> entities,

        @Size(max = SpecValidator.MAX_FEATURES)
        @JsonPropertyDescription(
                "Served features: each the latest value of its entity; a view with aggregations may " + "have none")
        List<FeatureSpec> features,

        @Pattern(KubeDuration.PATTERN)
        @Size(max = 32)
        @JsonPropertyDescription("How old a value may be and still be served, e.g. 48h; absent means no expiry")
        String ttl,

        @JsonPropertyDescription("Whether the view is loaded for online serving (default true)")
        Boolean online,

        @Pattern(KubeDuration.PATTERN)
        @Size(max = 32)
        @JsonPropertyDescription("How often the table is checked for a new version, e.g. 1m")
        String refreshInterval,

        @Size(max = 4096) @JsonPropertyDescription("Free text shown to users")
        String description,

        @Size(max = SpecValidator.MAX_ON_DEMAND)
        @JsonPropertyDescription("Request-time features: CEL over the view's features and request data, computed per "
                + "request after the lookup")
        List<OnDemandFeatureSpec> onDemand,

        @Size(max = SpecValidator.MAX_REQUEST_FIELDS)
        @JsonPropertyDescription("Values requests send for the on-demand features, named request.<name> in them")
        List<RequestFieldSpec> requestData,

        @JsonPropertyDescription("Whether Feast pushes (POST /push, /write-to-online-store) commit rows to the view's "
                + "table, and how they are batched")
        PushSpec push,

        @Size(max = SpecValidator.MAX_AGGREGATIONS)
        @JsonPropertyDescription("Time-window aggregations of the view's events (count, sum, avg, min, max, last, "
                + "last_n, count_distinct, stddev over windows from 1s to 366d or lifetime), served online as of the "
                + "request time and historically as of each entity row's time by one rule; needs "
                + "source.timestampColumn")
        List<AggregationSpec> aggregations) {
    public FeatureViewSpec {
        entities = entities == null ? List.of() : List.copyOf(entities);
        features = features == null ? List.of() : List.copyOf(features);
        aggregations = aggregations == null ? List.of() : List.copyOf(aggregations);
        onDemand = onDemand == null ? List.of() : List.copyOf(onDemand);
        requestData = requestData == null ? List.of() : List.copyOf(requestData);
    }

    /** A view without request-time features. */
    public FeatureViewSpec(
            String store,
            SourceSpec source,
            List<EntitySpec> entities,
            List<FeatureSpec> features,
            String ttl,
            Boolean online,
            String refreshInterval,
            String description) {
        this(store, source, entities, features, ttl, online, refreshInterval, description, null, null, null);
    }

    /** A view with request-time features and no pushes. */
    public FeatureViewSpec(
            String store,
            SourceSpec source,
            List<EntitySpec> entities,
            List<FeatureSpec> features,
            String ttl,
            Boolean online,
            String refreshInterval,
            String description,
            List<OnDemandFeatureSpec> onDemand,
            List<RequestFieldSpec> requestData) {
        this(store, source, entities, features, ttl, online, refreshInterval, description, onDemand, requestData, null);
    }

    /** A view without aggregations. */
    public FeatureViewSpec(
            String store,
            SourceSpec source,
            List<EntitySpec> entities,
            List<FeatureSpec> features,
            String ttl,
            Boolean online,
            String refreshInterval,
            String description,
            List<OnDemandFeatureSpec> onDemand,
            List<RequestFieldSpec> requestData,
            PushSpec push) {
        this(
                store,
                source,
                entities,
                features,
                ttl,
                online,
                refreshInterval,
                description,
                onDemand,
                requestData,
                push,
                null);
    }

    /** The features of {@link #aggregations}, one per aggregation and window. */
    @JsonIgnore
    public List<AggregatedFeature> aggregatedFeatures() {
        return AggregatedFeature.of(aggregations);
    }

    /** Whether the view takes pushes. */
    @JsonIgnore
    public boolean takesPushes() {
        return push != null && push.accepted();
    }

    /**
     * Whether the view is loaded online, {@code online} defaulted. Not named {@code isOnline}: Jackson would take that
     * for the property's getter, and its {@code @JsonIgnore} would drop {@code online} from the schema and the YAML.
     */
    @JsonIgnore
    public boolean servesOnline() {
        return online == null || online;
    }
}
