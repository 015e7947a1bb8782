package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.featureduck.crds.FeatureService;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreStatus;
import io.featureduck.crds.FeatureView;
import io.featureduck.operator.status.StatusConditions;
import io.featureduck.operator.store.ServingConfigRenderer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One admission, two places: a table of FeatureViews, one per rule a view meets only in its store's context (and a
 * few that pass), goes through the real operator (Fabric8's mock API) and through the real data plane (its jar, on
 * the same definitions rendered as a serving file). Both must accept exactly the same views and refuse the others
 * with the same message. Then the data plane is started on the ConfigMap the operator wrote, and on the file with
 * every definition: both stay ready and serve the good views.
 */
@EnableKubernetesMockClient(crud = true)
class AdmissionAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = OperatorHarness.NAMESPACE;
    private static final String ROOT = "/var/lib/featureduck/lakehouse";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** A view of the table, by name, with what a correct admission decides: null when accepted, else the field. */
    private record Case(String name, String source, String extra, String refusedField) {}

    private static final List<Case> CASES = List.of(
            new Case("good-parquet", "{format: parquet, path: good, timestampColumn: ts}", "", null),
            new Case("good-in-allowed-root", "{path: \"s3://shared/tables/t\", timestampColumn: ts}", "", null),
            new Case(
                    "good-hadoop-catalog",
                    "{format: iceberg, catalog: {name: warehouse}, table: db.t, " + "timestampColumn: ts}",
                    "",
                    null),
            new Case(
                    "pushes-a",
                    "{format: parquet, path: pa, timestampColumn: ts}",
                    "push: {enabled: true, sourceName: contested}",
                    null),
            new Case(
                    "pushes-b",
                    "{format: parquet, path: pb, timestampColumn: ts}",
                    "push: {enabled: true, sourceName: contested}",
                    null),
            new Case("outside-relative", "{path: ../elsewhere, timestampColumn: ts}", "", "spec.source.path"),
            new Case("outside-absolute", "{path: /etc, timestampColumn: ts}", "", "spec.source.path"),
            new Case(
                    "outside-file-uri",
                    "{path: \"file:///var/run/secrets\", timestampColumn: ts}",
                    "",
                    "spec.source.path"),
            new Case("outside-bucket", "{path: \"s3://other-team/t\", timestampColumn: ts}", "", "spec.source.path"),
            new Case(
                    "unsupported-scheme", "{path: \"hdfs://namenode/t\", timestampColumn: ts}", "", "spec.source.path"),
            new Case(
                    "rewrite-relative",
                    "{path: t, timestampColumn: ts, pathRewrite: [{from: \"s3://x/\", " + "to: relative/}]}",
                    "",
                    "spec.source.pathRewrite[0].to"),
            new Case(
                    "rewrite-outside",
                    "{path: t, timestampColumn: ts, pathRewrite: [{from: \"s3://x/\", " + "to: /etc/}]}",
                    "",
                    "spec.source.pathRewrite[0].to"),
            new Case(
                    "unknown-catalog",
                    "{format: iceberg, catalog: {name: nowhere}, table: db.t, timestampColumn: ts}",
                    "",
                    "spec.source.catalog.name"),
            new Case(
                    "catalog-not-iceberg",
                    "{format: delta, catalog: {name: warehouse}, table: db.t, " + "timestampColumn: ts}",
                    "",
                    "spec.source.catalog"),
            new Case(
                    "duckdb-without-table",
                    "{format: duckdb, path: f.duckdb, timestampColumn: ts}",
                    "",
                    "spec.source.table"),
            new Case(
                    "duckdb-on-object-store",
                    "{format: duckdb, path: \"s3://shared/tables/f.duckdb\", table: t, " + "timestampColumn: ts}",
                    "",
                    "spec.source.path"),
            new Case(
                    "pin-unversioned",
                    "{format: parquet, path: t, timestampColumn: ts, version: 3}",
                    "",
                    "spec.source.version"),
            new Case(
                    "push-hudi",
                    "{format: hudi, path: t, timestampColumn: ts}",
                    "push: {enabled: true}",
                    "spec.push.enabled"),
            new Case(
                    "push-object-store",
                    "{path: \"s3://shared/tables/p\", timestampColumn: ts}",
                    "push: {enabled: true}",
                    "spec.push.enabled"),
            new Case(
                    "push-catalog",
                    "{format: iceberg, catalog: {name: warehouse}, table: db.p, timestampColumn: ts}",
                    "push: {enabled: true}",
                    "spec.push.enabled"),
            new Case("invalid-ttl", "{path: t, timestampColumn: ts}", "ttl: forever", "spec.ttl"));

    KubernetesClient client;

    @TempDir
    Path work;

    private OperatorHarness operator;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroy);
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void theOperatorAndTheDataPlaneDecideAlikeAndAPodServesTheRest() throws Exception {
        DataPlaneJar.path();
        client.getKubernetesSerialization().registerKubernetesResource(FeatureStore.class);
        client.getKubernetesSerialization().registerKubernetesResource(FeatureView.class);
        client.getKubernetesSerialization().registerKubernetesResource(FeatureService.class);
        apply(store());
        for (Case c : CASES) {
            apply(view(c));
        }
        operator = new OperatorHarness(client, "http://127.0.0.1:1");

        // The operator's decisions, from each view's Accepted condition.
        Map<String, Condition> operatorSays = new LinkedHashMap<>();
        for (Case c : CASES) {
            FeatureView decided = await().atMost(PATIENCE)
                    .until(
                            () -> client.resources(FeatureView.class)
                                    .inNamespace(NAMESPACE)
                                    .withName(c.name())
                                    .get(),
                            v -> v.getStatus() != null
                                    && StatusConditions.find(v.getStatus().conditions(), StatusConditions.ACCEPTED)
                                            .isPresent());
            operatorSays.put(
                    c.name(),
                    StatusConditions.find(decided.getStatus().conditions(), StatusConditions.ACCEPTED)
                            .orElseThrow());
        }

        // The data plane's decisions on the same definitions, as the operator renders them.
        FeatureStore store = client.resources(FeatureStore.class)
                .inNamespace(NAMESPACE)
                .withName("shop")
                .get();
        List<FeatureView> views = client.resources(FeatureView.class)
                .inNamespace(NAMESPACE)
                .list()
                .getItems();
        Path everything = work.resolve("everything.yaml");
        Files.writeString(everything, new ServingConfigRenderer().render(store, views, List.of()));
        Process check = run(List.of("check", "-f", everything.toString()));
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(work.resolve("process-0.log"));
        assertThat(check.exitValue()).as(printed).isEqualTo(3);
        JsonNode dataPlaneSays = JSON.readTree(printed).path("views");

        for (Case c : CASES) {
            Condition accepted = operatorSays.get(c.name());
            JsonNode decision = dataPlaneSays.path(c.name());
            boolean good = c.refusedField() == null;
            assertThat(accepted.getStatus())
                    .as(c.name() + " by the operator: " + accepted.getMessage())
                    .isEqualTo(good ? "True" : "False");
            assertThat(decision.path("accepted").asBoolean())
                    .as(c.name() + " by the data plane: " + decision)
                    .isEqualTo(good);
            if (!good) {
                assertThat(accepted.getReason()).isEqualTo("InvalidSpec");
                assertThat(accepted.getMessage())
                        .as(c.name())
                        .startsWith(c.refusedField() + ": ")
                        .isEqualTo(decision.path("reason").asText());
            }
        }
        // Two views claiming one push source: both serve, neither takes pushes, both say why, alike.
        for (String name : List.of("pushes-a", "pushes-b")) {
            String reason = dataPlaneSays.path(name).path("pushes_refused").asText();
            assertThat(reason).contains("push source 'contested' is claimed by FeatureViews [pushes-a, pushes-b]");
            assertThat(operatorSays.get(name).getMessage()).endsWith("takes no pushes: " + reason);
        }

        // The store sums it up, and its ConfigMap holds exactly the accepted views.
        FeatureStore summed = await().atMost(PATIENCE)
                .until(
                        () -> client.resources(FeatureStore.class)
                                .inNamespace(NAMESPACE)
                                .withName("shop")
                                .get(),
                        s -> s.getStatus() != null
                                && !s.getStatus().refusedViews().isEmpty());
        List<String> refused = CASES.stream()
                .filter(c -> c.refusedField() != null)
                .map(Case::name)
                .sorted()
                .toList();
        List<String> served = CASES.stream()
                .filter(c -> c.refusedField() == null)
                .map(Case::name)
                .sorted()
                .toList();
        assertThat(summed.getStatus().refusedViews())
                .extracting(FeatureStoreStatus.RefusedView::name)
                .containsExactlyElementsOf(refused);
        assertThat(summed.getStatus().views()).containsExactlyElementsOf(served);
        ConfigMap config = client.configMaps()
                .inNamespace(NAMESPACE)
                .withName("shop-serving-config")
                .get();
        String file = config.getData().get("feature-store.yaml");
        served.forEach(name -> assertThat(file).contains("name: " + name + "\n"));
        refused.forEach(name -> assertThat(file).doesNotContain("name: " + name + "\n"));

        // A pod on the operator's ConfigMap, and one on the file with every definition: both ready, both serve.
        Path lake = work.resolve("lake");
        writeParquet(lake.resolve("good"));
        Path written = work.resolve("configmap.yaml");
        Files.writeString(written, file);
        for (Path serving : List.of(written, everything)) {
            int port = freePort();
            int management = freePort();
            run(List.of(
                    "serve",
                    "-f",
                    serving.toString(),
                    "--lakehouse-root",
                    lake.toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--management-port",
                    Integer.toString(management),
                    "--offline-port",
                    "0",
                    "--grpc-port",
                    Integer.toString(freePort())));
            int process = processes.size() - 1;
            await().atMost(PATIENCE)
                    .failFast(
                            "the data plane exited: " + log(process),
                            () -> !processes.get(process).isAlive())
                    .until(() -> status("http://127.0.0.1:" + management + "/ready") == 200);
            JsonNode report = JSON.readTree(get("http://127.0.0.1:" + management + "/views/good-parquet"));
            assertThat(report.path("state").asText()).as(report.toString()).isEqualTo("READY");
            if (serving.equals(everything)) {
                JsonNode outside = JSON.readTree(get("http://127.0.0.1:" + management + "/views/outside-absolute"));
                assertThat(outside.path("state").asText()).isEqualTo("FAILED");
                assertThat(outside.path("last_error").asText()).startsWith("spec.source.path: ");
            }
        }
    }

    private static String store() {
        return """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: shop}
                spec:
                  lakehouse:
                    format: delta
                    root: %s
                    allowedRoots: ["s3://shared/tables"]
                    catalogs: [{name: warehouse, type: hadoop, warehouse: %s/warehouse}]
                  dataPlane: {auth: {type: none}}
                """.formatted(ROOT, ROOT);
    }

    private static String view(Case c) {
        return """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: %s}
                spec:
                  store: shop
                  source: %s
                  entities: [{name: id, type: int64}]
                  features: [{name: f, type: float64}]
                  %s
                """.formatted(c.name(), c.source(), c.extra());
    }

    private void apply(String yaml) {
        for (HasMetadata item : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .items()) {
            item.getMetadata().setNamespace(NAMESPACE);
            client.resource(item).inNamespace(NAMESPACE).create();
        }
    }

    private static void writeParquet(Path directory) throws Exception {
        Files.createDirectories(directory);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT i::BIGINT AS id, i / 10.0 AS f, TIMESTAMP '2026-01-01' AS ts "
                    + "FROM range(10) t(i)) TO '" + directory.resolve("part-0.parquet") + "' (FORMAT parquet)");
        }
    }

    private Process run(List<String> args) throws IOException {
        Path jar = DataPlaneJar.path();
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", jar.toString()));
        command.addAll(args);
        Path log = work.resolve("process-" + processes.size() + ".log");
        Process process = new ProcessBuilder(command)
                .redirectOutput(log.toFile())
                .redirectError(
                        work.resolve("process-" + processes.size() + ".err").toFile())
                .start();
        processes.add(process);
        return process;
    }

    private String log(int process) throws IOException {
        return Files.readString(work.resolve("process-" + process + ".err"));
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
