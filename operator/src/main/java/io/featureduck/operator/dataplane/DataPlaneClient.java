package io.featureduck.operator.dataplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.report.ViewReport;
import io.featureduck.crds.report.ViewState;
import io.featureduck.crds.report.ViewsReport;
import io.featureduck.spark.RetrievalPlan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads what a data-plane pod serves from {@code GET /views} on its management port, as the shared
 * {@link ViewsReport}: the port without authentication, so the operator needs no data-plane credentials.
 */
public final class DataPlaneClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** A plan reads every table's metadata (and a snapshot view's versions) on the data plane. */
    private static final Duration PLAN_TIMEOUT = Duration.ofSeconds(60);

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

    /** What the data plane said to a request for a Spark plan. */
    public sealed interface PlanAnswer {}

    /** The plan, as the job takes it, and its table versions. */
    public record Planned(String json, List<RetrievalPlan.TableRead> tables) implements PlanAnswer {}

    /** The data plane refused the request (an unknown feature, one the job cannot compute): retrying will not help. */
    public record PlanRefused(String code, String message) implements PlanAnswer {}

    /** The data plane could not be asked, or could not answer now (tables unavailable): worth asking again. */
    public record PlanUnavailable(String reason) implements PlanAnswer {}

    /**
     * {@code POST /spark-plan} on a pod's management port ({@code docs/SPARK.md}). A plan carries table locations and
     * SQL, no feature values, so it is asked for where view reports are, without data-plane credentials.
     */
    public PlanAnswer sparkPlan(String baseUrl, String request) {
        URI uri = URI.create(baseUrl + "/spark-plan");
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(PLAN_TIMEOUT)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return new Planned(
                        response.body(),
                        JSON.readValue(response.body(), RetrievalPlan.class).tables());
            }
            com.fasterxml.jackson.databind.JsonNode error =
                    JSON.readTree(response.body()).path("error");
            String message = error.path("message").asText("POST " + uri + " answered " + response.statusCode());
            if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 408) {
                return new PlanRefused(error.path("code").asText(""), message);
            }
            return new PlanUnavailable(message);
        } catch (IOException e) {
            return new PlanUnavailable("POST " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PlanUnavailable("interrupted");
        }
    }

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
