package io.featureduck.operator.dataplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.report.ViewReport;
import io.featureduck.crds.report.ViewState;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads what a data plane serves of one view from {@code GET /views/{name}} on its management port, as the shared
 * {@link ViewReport}: the port without authentication, so the operator needs no data-plane credentials.
 */
public final class DataPlaneClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** What the data plane said about a view. */
    public sealed interface Answer {
    }

    /** The view as served, in the data plane's own report. */
    public record Served(ViewReport report) implements Answer {
        public ViewState state() {
            return report.state();
        }

        public Optional<Long> tableVersion() {
            return Optional.ofNullable(report.tableVersion());
        }

        public Optional<Long> entities() {
            return Optional.ofNullable(report.entitiesLoaded());
        }

        public Optional<String> loadedAt() {
            return Optional.ofNullable(report.loadedAt());
        }

        public Optional<String> lastError() {
            return Optional.ofNullable(report.lastError());
        }
    }

    /** The data plane answered but does not serve the view (its configuration has not caught up yet). */
    public record NotServed() implements Answer {
    }

    /** The data plane could not be asked. */
    public record Unreachable(String reason) implements Answer {
    }

    public Answer view(String baseUrl, String name) {
        URI uri = URI.create(baseUrl + "/views/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return new NotServed();
            }
            if (response.statusCode() != 200) {
                return new Unreachable("GET " + uri + " answered " + response.statusCode());
            }
            return new Served(JSON.readValue(response.body(), ViewReport.class));
        } catch (IOException e) {
            return new Unreachable("GET " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unreachable("interrupted");
        }
    }
}
