package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.dataplane.config.ViewDefinition;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one view's part of a point-in-time answer reads, whichever engine runs it: the features requested of it, with
 * each on-demand feature replaced by the features it reads.
 */
record ViewRequest(ViewDefinition view, List<String> requested) {
    ViewRequest {
        requested = List.copyOf(requested);
    }

    /** The names read: requested ones and the inputs of requested on-demand ones; each once, in order. */
    Set<String> read() {
        Set<String> names = new LinkedHashSet<>();
        for (String name : requested) {
            view.onDemandFeature(name)
                    .ifPresentOrElse(feature -> names.addAll(feature.features()), () -> names.add(name));
        }
        return names;
    }

    /** The stored features read, which are joined but answered only when requested. */
    List<FeatureSpec> storedInputs() {
        return read().stream().map(view::feature).flatMap(Optional::stream).toList();
    }

    /** The aggregated features read. */
    List<AggregatedFeature> aggregatedInputs() {
        return read().stream()
                .map(name -> view.aggregations().feature(name))
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Whether only windows are requested: then no latest row is needed, only whether the entity had an event by the
     * row's time (its first event per key is a hash aggregate, where a history of latest rows is a sort of every row).
     */
    boolean windowsOnly() {
        return requested.stream()
                .allMatch(name -> view.aggregations().feature(name).isPresent());
    }
}
