package io.featureduck.crds.admission;

import io.featureduck.crds.CatalogSpec;
import io.featureduck.crds.FeatureView;
import io.featureduck.crds.TableFormat;
import java.util.Optional;

/**
 * A FeatureView its store serves, with what admission settled about it in the store's context.
 *
 * @param view     the definition as written
 * @param format   the view's own format, or its store's
 * @param location the table's canonical location (a path or an object-store URI); with a REST catalog, the root
 * @param catalog  the Iceberg catalog naming the table (a store's catalog, resolved from the view's reference), or
 *                 null when the location is the table
 * @param push     where the view takes pushes, when it does
 */
public record AdmittedView(
        FeatureView view, TableFormat format, String location, CatalogSpec catalog, Optional<PushClaim> push) {
    public String name() {
        return view.name();
    }

    /** The field that names the table's location: the path, or a Hadoop catalog's warehouse. */
    public String locationField() {
        return locationField(catalog);
    }

    static String locationField(CatalogSpec catalog) {
        return catalog == null ? "spec.source.path" : "spec.source.catalog.warehouse";
    }

    /**
     * The push source a view claims.
     *
     * @param sourceName the name pushes address
     * @param refusal    why the view takes no pushes although it asks to (another view claims the source too)
     */
    public record PushClaim(String sourceName, Optional<String> refusal) {}
}
