package io.featureduck.operator.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Reads what a data plane serves of one view from its {@code GET /v1/views/{name}}. */
public final class DataPlaneClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** What the data plane said about a view. */
    public sealed interface ViewReport {
    }

    /**
     * The view as served.
     *
     * @param state        READY, LOADING, PENDING, FAILED or OFFLINE
     * @param tableVersion table version of the index served, if any
     * @param entities     entities in the index, if any
     * @param loadedAt     when the index was built, if any
     * @param lastError    the last load error, if the last load failed
     */
    public record Served(String state, Optional<Long> tableVersion, Optional<Long> entities, Optional<String> loadedAt,
                         Optional<String> lastError) implements ViewReport {
    }

    /** The data plane answered but does not serve the view (its configuration has not caught up yet). */
    public record NotServed() implements ViewReport {
    }

    /** The data plane could not be asked. */
    public record Unreachable(String reason) implements ViewReport {
    }

    public ViewReport view(String baseUrl, String name) {
        URI uri = URI.create(baseUrl + "/v1/views/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return new NotServed();
            }
            if (response.statusCode() != 200) {
                return new Unreachable("GET " + uri + " answered " + response.statusCode());
            }
            JsonNode view = JSON.readTree(response.body());
            return new Served(view.path("state").asText("UNKNOWN"), number(view, "table_version"),
                    number(view, "entities_loaded"), text(view, "loaded_at"), text(view, "last_error"));
        } catch (IOException e) {
            return new Unreachable("GET " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unreachable("interrupted");
        }
    }

    private static Optional<Long> number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? Optional.of(value.asLong()) : Optional.empty();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
