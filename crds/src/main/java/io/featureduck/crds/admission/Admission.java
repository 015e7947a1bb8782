package io.featureduck.crds.admission;

import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.location.LakehouseRoots;
import java.util.List;
import java.util.Map;

/**
 * What admission decided about one store and its definitions. The store's own problems leave nothing to serve; a
 * view or feature service that is refused is left out alone, with its reasons, and everything else is served.
 *
 * @param store           the store
 * @param storeProblems   what is wrong with the store itself, one sentence each; when any, nothing is admitted
 * @param root            the store's root, canonical (null when the store was refused)
 * @param lakehouse       the locations the store's views may read (null when the store was refused)
 * @param views           the views served, in the order given
 * @param refusedViews    view name to why it is not served (field: message; ...)
 * @param services        the feature services served, each with the {@code view:feature} references it stands for
 * @param refusedServices feature service name to why it is not served
 */
public record Admission(
        FeatureStore store,
        List<String> storeProblems,
        String root,
        LakehouseRoots lakehouse,
        List<AdmittedView> views,
        Map<String, String> refusedViews,
        Map<FeatureService, List<String>> services,
        Map<String, String> refusedServices) {
    public Admission {
        storeProblems = List.copyOf(storeProblems);
        views = List.copyOf(views);
        refusedViews = Map.copyOf(refusedViews);
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
        refusedServices = Map.copyOf(refusedServices);
    }

    public boolean storeAccepted() {
        return storeProblems.isEmpty();
    }
}
