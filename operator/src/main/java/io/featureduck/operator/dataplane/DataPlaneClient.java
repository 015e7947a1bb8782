package io.featureduck.operator.dataplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.report.ViewReport;
import io.featureduck.crds.report.ViewState;
import io.featureduck.crds.report.ViewsReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads what a data-plane pod serves from {@code GET /views} on its management port, as the shared
 * {@link ViewsReport}: the port without authentication, so the operator needs no data-plane credentials.
 */
public final class DataPlaneClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** What the data plane said about a view. */
    public sealed interface Answer {}

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
    public record NotServed() implements Answer {}

    /** The data plane could not be asked. */
    public record Unreachable(String reason) implements Answer {}

    /** What one pod said of everything it serves, or why it could not be asked. */
    public sealed interface PodAnswer {}

    /** The pod's report of every view, and of a serving configuration it refused. */
    public record Reports(ViewsReport report) implements PodAnswer {
        /** What the pod said of view {@code name}. */
        public Answer view(String name) {
            return report.views().stream()
                    .filter(v -> name.equals(v.name()))
                    .findFirst()
                    .<Answer>map(Served::new)
                    .orElseGet(NotServed::new);
        }
    }

    /** The pod could not be asked; every view of it is {@link Unreachable}. */
    public record PodUnreachable(String reason) implements PodAnswer {}

    /** {@code GET /views} on one pod's management port: one request for all of the store's views. */
    public PodAnswer views(String baseUrl) {
        URI uri = URI.create(baseUrl + "/views");
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new PodUnreachable("GET " + uri + " answered " + response.statusCode());
            }
            return new Reports(JSON.readValue(response.body(), ViewsReport.class));
        } catch (IOException e) {
            return new PodUnreachable("GET " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PodUnreachable("interrupted");
        }
    }
}
