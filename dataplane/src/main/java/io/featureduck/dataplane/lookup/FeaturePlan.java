package io.featureduck.dataplane.lookup;

import io.featureduck.dataplane.config.ViewDefinition;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A feature list resolved against the view definitions served when it was planned: which views it reads (its
 * slots, in the order the list first names them), where each feature sits in its view, and what its answer column
 * is called. It holds no index, so it stays valid across data refreshes; a new definition of one of its views (a
 * configuration reload) makes {@link FeaturePlans} plan the list again.
 */
public final class FeaturePlan {
    private final List<String> views;
    private final List<ViewDefinition> definitions;
    private final List<AnswerFeature> features;
    private final Set<String> outputNames;
    private final ConcurrentHashMap<Object, Object> encodings = new ConcurrentHashMap<>();

    FeaturePlan(
            List<String> views,
            List<ViewDefinition> definitions,
            List<AnswerFeature> features,
            Set<String> outputNames) {
        this.views = List.copyOf(views);
        this.definitions = List.copyOf(definitions);
        this.features = List.copyOf(features);
        this.outputNames = Set.copyOf(outputNames);
    }

    /** View names by slot. */
    public List<String> views() {
        return views;
    }

    /** The definition each slot was planned against. */
    List<ViewDefinition> definitions() {
        return definitions;
    }

    /** The answer's feature columns, in request order. */
    public List<AnswerFeature> features() {
        return features;
    }

    boolean hasOutputName(String name) {
        return outputNames.contains(name);
    }

    /**
     * A writer's encoding of this plan's constant parts (names as pre-encoded bytes, say), made once per plan and
     * writer; {@code writer} keys it.
     */
    @SuppressWarnings("unchecked")
    public <T> T encoded(Object writer, Function<FeaturePlan, T> encode) {
        Object cached = encodings.get(writer);
        if (cached == null) {
            cached = encodings.computeIfAbsent(writer, w -> encode.apply(this));
        }
        return (T) cached;
    }
}
