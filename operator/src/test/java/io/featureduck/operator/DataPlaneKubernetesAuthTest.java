package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.type: kubernetes} end to end: a real data-plane process asks Fabric8's mock API server, standing in for
 * the cluster's, to review each caller's token (TokenReview) and its access to each view (SubjectAccessReview), as
 * the API server would answer for a ServiceAccount whose Role grants {@code read-online} on one view only.
 */
@EnableKubernetesMockClient(https = false)
class DataPlaneKubernetesAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEAM_A = "team-a-token";
    private static final String TEAM_A_USER = "system:serviceaccount:features:team-a";
    private static final String API_DOWN = "token-while-the-api-server-fails";

    KubernetesMockServer server;

    @TempDir
    Path work;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger tokenReviews = new AtomicInteger();
    private final List<String> accessReviews = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        processes.forEach(Process::destroy);
    }

    @Test
    void aServiceAccountReadsOnlyTheViewsItsRoleAllows() throws Exception {
        server.expect()
                .post()
                .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(new ResponseProvider<>() {
                    private Headers headers = Headers.builder()
                            .add("content-type", "application/json")
                            .build();
                    // The body can be read once; status and body are both decided from it.
                    private final Map<RecordedRequest, String> tokens =
                            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

                    private String token(RecordedRequest request) {
                        return tokens.computeIfAbsent(
                                request,
                                r -> read(r.getUtf8Body()).at("/spec/token").asText());
                    }

                    @Override
                    public Object getBody(RecordedRequest request) {
                        tokenReviews.incrementAndGet();
                        String token = token(request);
                        if (token.equals(API_DOWN)) {
                            return Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 500);
                        }
                        return Map.of(
                                "apiVersion",
                                "authentication.k8s.io/v1",
                                "kind",
                                "TokenReview",
                                "status",
                                token.equals(TEAM_A)
                                        ? Map.of(
                                                "authenticated",
                                                true,
                                                "user",
                                                Map.of(
                                                        "username",
                                                        TEAM_A_USER,
                                                        "uid",
                                                        "a-1",
                                                        "groups",
                                                        List.of(
                                                                "system:serviceaccounts",
                                                                "system:serviceaccounts:features")))
                                        : Map.of("authenticated", false, "error", "invalid bearer token"));
                    }

                    @Override
                    public int getStatusCode(RecordedRequest request) {
                        // An API server that fails for this one token, as one that is briefly down would for all.
                        return token(request).equals(API_DOWN) ? 500 : 201;
                    }

                    @Override
                    public Headers getHeaders() {
                        return headers;
                    }

                    @Override
                    public void setHeaders(Headers replacement) {
                        headers = replacement;
                    }
                })
                .always();
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(201, request -> {
                    JsonNode review = read(request.getUtf8Body());
                    JsonNode attributes = review.at("/spec/resourceAttributes");
                    accessReviews.add(review.at("/spec/user").asText() + " "
                            + attributes.path("verb").asText() + " "
                            + attributes.path("group").asText() + "/"
                            + attributes.path("resource").asText() + "/"
                            + attributes.path("name").asText() + " in "
                            + attributes.path("namespace").asText());
                    // The Role of team-a: verbs [read-online] on featureviews, resourceNames [driver-stats].
                    boolean allowed = review.at("/spec/user").asText().equals(TEAM_A_USER)
                            && attributes.path("group").asText().equals("featureduck.io")
                            && attributes.path("resource").asText().equals("featureviews")
                            && attributes.path("namespace").asText().equals("features")
                            && attributes.path("name").asText().equals("driver-stats")
                            && attributes.path("verb").asText().equals("read-online");
                    return Map.of(
                            "apiVersion",
                            "authorization.k8s.io/v1",
                            "kind",
                            "SubjectAccessReview",
                            "status",
                            Map.of("allowed", allowed));
                })
                .always();

        Path jar = DataPlaneJar.path();
        Path demo = work.resolve("demo");
        assertThat(run(jar, Map.of(), List.of("demo", "--dir", demo.toString(), "--write-only"))
                        .waitFor(120, TimeUnit.SECONDS))
                .isTrue();
        Path config = demo.resolve("feature-store.yaml");
        Files.writeString(
                config,
                Files.readString(config)
                        .replaceFirst(
                                "auth: \\{type: none\\}.*",
                                "auth: {type: kubernetes, serviceAccountName: featureduck-dataplane}")
                        .replace(
                                "  description: Hourly driver statistics, one row per driver and hour\n",
                                "  description: Hourly driver statistics, one row per driver and hour\n"
                                        + "  push: {enabled: true, sourceName: driver_stats_push}\n"));
        // The data plane's own credentials, as a pod's ServiceAccount token would be.
        Path kubeconfig = work.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: dataplane, user: {token: dataplane-own-token}}]
                contexts: [{name: mock, context: {cluster: mock, user: dataplane, namespace: features}}]
                current-context: mock
                """.formatted(server.url("/").replaceAll("/$", "")));
        int port = freePort();
        int management = freePort();
        run(
                jar,
                Map.of("KUBECONFIG", kubeconfig.toString()),
                List.of(
                        "serve",
                        "-f",
                        config.toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--management-port",
                        Integer.toString(management),
                        "--offline-port",
                        "0",
                        "--grpc-port",
                        Integer.toString(freePort()),
                        "--auth-namespace",
                        "features"));
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90))
                .until(() -> status("http://127.0.0.1:" + management + "/ready", null, null) == 200);

        String statsLookup = "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": {\"driver_id\": [1010]}}";
        String profileLookup =
                "{\"features\": [\"driver-profile:vehicle_type\"], \"entities\": {\"driver_id\": [1010]}}";
        HttpResponse<String> allowed = post(base + "/get-online-features", statsLookup, TEAM_A);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(read(allowed.body()).at("/results/1/statuses/0").asText()).isEqualTo("PRESENT");

        HttpResponse<String> denied = post(base + "/get-online-features", profileLookup, TEAM_A);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(read(denied.body()).at("/error/code").asText()).isEqualTo("FORBIDDEN");
        assertThat(read(denied.body()).at("/error/message").asText())
                .contains("driver-profile", TEAM_A_USER, "read-online");
        // Historical export is its own permission, which this Role does not grant.
        HttpResponse<String> export = post(
                base + "/v1/features/historical",
                "{\"features\": [\"driver-stats:conv_rate\"],"
                        + " \"entity_rows\": [{\"driver_id\": 1010, \"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}",
                TEAM_A);
        assertThat(export.statusCode()).as(export.body()).isEqualTo(403);
        assertThat(export.body()).contains("read-historical");

        // Pushing is a third permission (verb push), which a Role for reading never grants.
        HttpResponse<String> push = post(
                base + "/push",
                "{\"push_source_name\": \"driver_stats_push\", \"df\": "
                        + "{\"driver_id\": [1010], \"event_timestamp\": [\"2030-01-01T00:00:00Z\"]}}",
                TEAM_A);
        assertThat(push.statusCode()).as(push.body()).isEqualTo(403);
        assertThat(read(push.body()).at("/error/message").asText())
                .contains("may not push", "verb 'push' on featureviews/driver-stats");

        HttpResponse<String> stranger = post(base + "/get-online-features", statsLookup, "not-a-service-account-token");
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(stranger.headers().firstValue("www-authenticate")).isPresent();
        assertThat(post(base + "/get-online-features", statsLookup, null).statusCode())
                .isEqualTo(401);
        HttpResponse<String> apiDown = post(base + "/get-online-features", statsLookup, API_DOWN);
        assertThat(apiDown.statusCode()).as(apiDown.body()).isEqualTo(503);
        assertThat(read(apiDown.body()).at("/error/code").asText()).isEqualTo("AUTH_UNAVAILABLE");
        assertThat(apiDown.headers().firstValue("retry-after")).isPresent();

        // Decisions are cached: more lookups by the same caller cost the API server nothing.
        int reviews = tokenReviews.get();
        for (int i = 0; i < 20; i++) {
            assertThat(post(base + "/get-online-features", statsLookup, TEAM_A).statusCode())
                    .isEqualTo(200);
        }
        assertThat(tokenReviews.get()).isEqualTo(reviews);
        assertThat(accessReviews)
                .contains(
                        TEAM_A_USER + " push featureduck.io/featureviews/driver-stats in features",
                        TEAM_A_USER + " read-online featureduck.io/featureviews/driver-stats in " + "features",
                        TEAM_A_USER + " read-online featureduck.io/featureviews/driver-profile in features");
        // The caller's token never reaches the process log.
        assertThat(Files.readString(work.resolve("process-1.log"))).doesNotContain(TEAM_A);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String url, String token, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private Process run(Path jar, Map<String, String> environment, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g", "-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        work.resolve("process-" + processes.size() + ".log").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
