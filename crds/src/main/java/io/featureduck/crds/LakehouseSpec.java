package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a store's tables live.
 *
 * @param format default table format of the store's views
 * @param root   base location of the store's tables: an absolute path, a {@code file:} URI, or a path relative to
 *               the file that defines the store
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LakehouseSpec(TableFormat format, String root) {
}
