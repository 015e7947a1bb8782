package io.featureduck.dataplane.config;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.RequestFieldSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.TablePin;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A FeatureView resolved against its store: the format and location are absolute and the durations parsed. This is
 * what every serving component works from, online and historical alike.
 *
 * @param pin  the one table version served instead of the latest ({@code spec.source.version} or {@code asOf})
 * @param push how pushes write the view's table; empty when the view takes none
 * @param aggregations the view's time-window aggregations
 */
public record ViewDefinition(
        String name,
        TableFormat format,
        TableLocation location,
        String timestampColumn,
        String createdTimestampColumn,
        List<EntitySpec> entities,
        List<FeatureSpec> features,
        Optional<Duration> ttl,
        boolean online,
        Optional<Duration> refreshInterval,
        List<OnDemandFeature> onDemand,
        List<RequestFieldSpec> requestData,
        Optional<TablePin> pin,
        Optional<PushSettings> push,
        ViewAggregations aggregations) {

    public ViewDefinition {
        entities = List.copyOf(entities);
        aggregations = aggregations == null ? ViewAggregations.none() : aggregations;
        features = List.copyOf(features);
        onDemand = List.copyOf(onDemand);
        requestData = List.copyOf(requestData);
    }

    /** A view without aggregations. */
    public ViewDefinition(
            String name,
            TableFormat format,
            TableLocation location,
            String timestampColumn,
            String createdTimestampColumn,
            List<EntitySpec> entities,
            List<FeatureSpec> features,
            Optional<Duration> ttl,
            boolean online,
            Optional<Duration> refreshInterval,
            List<OnDemandFeature> onDemand,
            List<RequestFieldSpec> requestData,
            Optional<TablePin> pin,
            Optional<PushSettings> push) {
        this(
                name,
                format,
                location,
                timestampColumn,
                createdTimestampColumn,
                entities,
                features,
                ttl,
                online,
                refreshInterval,
                onDemand,
                requestData,
                pin,
                push,
                ViewAggregations.none());
    }

    /** A view without request-time features. */
    public ViewDefinition(
            String name,
            TableFormat format,
            TableLocation location,
            String timestampColumn,
            String createdTimestampColumn,
            List<EntitySpec> entities,
            List<FeatureSpec> features,
            Optional<Duration> ttl,
            boolean online,
            Optional<Duration> refreshInterval) {
        this(
                name,
                format,
                location,
                timestampColumn,
                createdTimestampColumn,
                entities,
                features,
                ttl,
                online,
                refreshInterval,
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                ViewAggregations.none());
    }

    /**
     * Whether pushes write a view, under which Feast push source name, and how they are batched into commits.
     *
     * @param refused why the view takes no pushes although its spec asks for them (another view claims its push
     *                source); empty when it takes them
     */
    public record PushSettings(
            String sourceName, java.time.Duration flushInterval, int maxBatchRows, Optional<String> refused) {
        /** Settings of a view that takes pushes. */
        public PushSettings(String sourceName, java.time.Duration flushInterval, int maxBatchRows) {
            this(sourceName, flushInterval, maxBatchRows, Optional.empty());
        }
    }

    /** The same view held at {@code newPin}, or following its table when empty. */
    public ViewDefinition withPin(Optional<TablePin> newPin) {
        return new ViewDefinition(
                name,
                format,
                location,
                timestampColumn,
                createdTimestampColumn,
                entities,
                features,
                ttl,
                online,
                refreshInterval,
                onDemand,
                requestData,
                newPin,
                push,
                aggregations);
    }

    /** The same view taking pushes as {@code settings} say. */
    public ViewDefinition withPush(Optional<PushSettings> settings) {
        return new ViewDefinition(
                name,
                format,
                location,
                timestampColumn,
                createdTimestampColumn,
                entities,
                features,
                ttl,
                online,
                refreshInterval,
                onDemand,
                requestData,
                pin,
                settings,
                aggregations);
    }

    /** The same view, its pushes refused for {@code reason} (it keeps its settings, so it can say so). */
    public ViewDefinition withPushRefused(String reason) {
        return withPush(push.map(
                p -> new PushSettings(p.sourceName(), p.flushInterval(), p.maxBatchRows(), Optional.of(reason))));
    }

    /** Every feature clients may ask for: the stored ones, the on-demand ones, then the aggregated ones. */
    public List<String> servedFeatureNames() {
        List<String> names = new java.util.ArrayList<>(featureNames());
        onDemand.forEach(feature -> names.add(feature.name()));
        aggregations.features().forEach(feature -> names.add(feature.name()));
        return names;
    }

    /** The same view with {@code newAggregations}. */
    public ViewDefinition withAggregations(ViewAggregations newAggregations) {
        return new ViewDefinition(
                name,
                format,
                location,
                timestampColumn,
                createdTimestampColumn,
                entities,
                features,
                ttl,
                online,
                refreshInterval,
                onDemand,
                requestData,
                pin,
                push,
                newAggregations);
    }

    public Optional<OnDemandFeature> onDemandFeature(String featureName) {
        return onDemand.stream().filter(f -> f.name().equals(featureName)).findFirst();
    }

    public Optional<RequestFieldSpec> requestField(String fieldName) {
        return requestData.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    public boolean isSnapshot() {
        return timestampColumn == null;
    }

    public Optional<FeatureSpec> feature(String featureName) {
        return features.stream().filter(f -> f.name().equals(featureName)).findFirst();
    }

    public List<String> featureNames() {
        return features.stream().map(FeatureSpec::name).toList();
    }

    public List<String> entityNames() {
        return entities.stream().map(EntitySpec::name).toList();
    }
}
