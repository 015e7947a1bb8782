package io.featureduck.crds.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/views}: every view one data-plane pod serves.
 *
 * @param configurationError why the newest serving file is not served (it changed but does not validate), while the
 *                           previous configuration keeps serving; null when it is served
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ViewsReport(
        @JsonProperty("configuration_error") String configurationError, List<ViewReport> views) {
    public ViewsReport {
        views = views == null ? List.of() : List.copyOf(views);
    }
}
