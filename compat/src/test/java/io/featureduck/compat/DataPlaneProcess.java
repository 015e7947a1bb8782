package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code featureduck serve} process over the demo lakehouse plus one Parquet table with null values, with
 * bearer authentication, its HTTP, management and gRPC ports on free loopback ports. The compatibility tests call it
 * only over the wire, as Feast's clients would.
 */
final class DataPlaneProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Drivers of the quality table: a null score every third driver, a null tier every fourth. */
    static final int QUALITY_DRIVERS = 40;
    /** The store's limit on a historical request's entity rows: small, so that a test can exceed it. */
    static final long MAX_HISTORICAL_BYTES = 2L << 20;
    /** When Spark committed the two versions of the shared Delta table (its commitInfo timestamps). */
    static final List<Long> DELTA_COMMIT_MILLIS = List.of(1697587748016L, 1697587762295L);
    /** The conformance tables beside the project root. */
    static final Path SHARED = Path.of("..", "..", "shared", "testdata");

    final Path lakehouse;
    final String token = UUID.randomUUID().toString();
    /** A token that may also push (to driver-quality, which takes pushes as push source driver_quality_push). */
    final String writeToken = UUID.randomUUID().toString();

    final int port;
    final int grpcPort;
    /** Feast's offline store protocol (Arrow Flight). */
    final int offlinePort;

    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * How callers are authenticated: bearer tokens ({@link #token}, {@link #writeToken}), none, or Kubernetes (their
     * ServiceAccount tokens reviewed and authorized by an API server).
     */
    enum Auth {
        BEARER,
        NONE,
        KUBERNETES
    }

    /** A data plane that requires bearer tokens ({@link #token}, {@link #writeToken}). */
    DataPlaneProcess(Path work) throws Exception {
        this(work, Auth.BEARER, Map.of(), List.of());
    }

    /** @param authenticated whether callers need a token; without, the store's {@code auth: {type: none}} serves */
    DataPlaneProcess(Path work, boolean authenticated) throws Exception {
        this(work, authenticated ? Auth.BEARER : Auth.NONE, Map.of(), List.of());
    }

    /**
     * A data plane whose callers are authenticated by the API server of {@code kubeconfig} (which also names the data
     * plane's own identity there) and authorized by RBAC in {@code namespace}.
     */
    static DataPlaneProcess kubernetes(Path work, Path kubeconfig, String namespace) throws Exception {
        return new DataPlaneProcess(
                work,
                Auth.KUBERNETES,
                Map.of("KUBECONFIG", kubeconfig.toString()),
                List.of("--auth-namespace", namespace));
    }

    private DataPlaneProcess(Path work, Auth auth, Map<String, String> environment, List<String> arguments)
            throws Exception {
        Path jar = Path.of(System.getProperty("featureduck.dataplane.jar", "../dataplane/target/featureduck.jar"));
        assertThat(jar)
                .as("the data plane jar; build it first with mvn -pl dataplane -am package")
                .exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path demo = work.resolve("demo");
        Process write = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "demo",
                        "--dir",
                        demo.toString(),
                        "--drivers",
                        "200",
                        "--write-only")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("demo.log").toFile())
                .start();
        assertThat(write.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(write.exitValue())
                .as(Files.readString(work.resolve("demo.log")))
                .isZero();
        lakehouse = demo.resolve("lakehouse");
        writeQualityTable(lakehouse.resolve("driver_quality"));
        // Tables other engines wrote (../shared/testdata), copied under the lakehouse root, as views may read only
        // there: a Delta table with an UPDATE, an Iceberg table with equality deletes, a Hudi table with an upsert.
        copy(SHARED.resolve("delta/basic-with-inserts-updates"), lakehouse.resolve("shared_delta"));
        // A Delta commit's time is its log file's modification time (the table has no in-commit timestamps): give
        // the copies the times Spark committed them at, as its commitInfo records, so that time travel finds them.
        Path log = lakehouse.resolve("shared_delta").resolve("_delta_log");
        Files.setLastModifiedTime(
                log.resolve("00000000000000000000.json"), FileTime.fromMillis(DELTA_COMMIT_MILLIS.get(0)));
        Files.setLastModifiedTime(
                log.resolve("00000000000000000001.json"), FileTime.fromMillis(DELTA_COMMIT_MILLIS.get(1)));
        copy(SHARED.resolve("iceberg/spark-v2-equality-deletes"), lakehouse.resolve("shared_iceberg"));
        copy(SHARED.resolve("hudi/cow/v6_nonpartitioned"), lakehouse.resolve("shared_hudi"));

        Path config = demo.resolve("feature-store.yaml");
        Files.writeString(
                config,
                Files.readString(config)
                                .replaceFirst(
                                        "auth: \\{type: none\\}.*",
                                        switch (auth) {
                                                    case BEARER -> "auth: {type: bearer, tokenSecretName: tokens}";
                                                    case NONE -> "auth: {type: none}";
                                                    case KUBERNETES ->
                                                        "auth: {type: kubernetes, serviceAccountName: dataplane}";
                                                }
                                                + "\n    maxHistoricalBodyBytes: " + MAX_HISTORICAL_BYTES)
                        + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: driver-quality}
                spec:
                  store: demo
                  source: {path: driver_quality, format: parquet, timestampColumn: event_timestamp}
                  entities: [{name: driver_id, type: int64}]
                  features:
                    - {name: score, type: float64}
                    - {name: tier, type: string}
                    - {name: trips, type: int32}
                    - {name: vip, type: bool}
                    - {name: tags, type: list<string>}
                  ttl: 48h
                  push: {enabled: true, sourceName: driver_quality_push, flushInterval: 50ms}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: delta-updates}
                spec:
                  store: demo
                  description: Spark's Delta table with an UPDATE, a snapshot view (no event time)
                  source: {path: shared_delta, format: delta}
                  entities: [{name: id, type: int32}]
                  features: [{name: str, type: string}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: iceberg-deletes}
                spec:
                  store: demo
                  source:
                    path: shared_iceberg
                    format: iceberg
                    pathRewrite:
                      - {from: data/persistent/equality_deletes/warehouse/mydb/mytable/, to: %s/}
                  entities: [{name: id, type: int32}]
                  features: [{name: name, type: string}, {name: bir, type: date}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: hudi-people}
                spec:
                  store: demo
                  source: {path: shared_hudi, format: hudi, timestampColumn: timestampField}
                  entities: [{name: id, type: int32}]
                  features:
                    - {name: name, type: string}
                    - {name: isActive, type: bool}
                    - {name: doubleField, type: float64}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureService
                metadata: {name: lakehouse-formats}
                spec:
                  store: demo
                  features: ['delta-updates:str', 'iceberg-deletes:name', 'hudi-people:isActive']
                """.formatted(lakehouse.resolve("shared_iceberg").toAbsolutePath()));
        Path tokens = Files.writeString(work.resolve("tokens"), token + "\n");
        Path writeTokens = Files.writeString(work.resolve("write-tokens"), writeToken + "\n");
        port = freePort();
        int management = freePort();
        grpcPort = freePort();
        offlinePort = freePort();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx1g",
                "-jar",
                jar.toString(),
                "serve",
                "-f",
                config.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--management-port",
                Integer.toString(management),
                "--grpc-port",
                Integer.toString(grpcPort),
                "--offline-port",
                Integer.toString(offlinePort)));
        command.addAll(arguments);
        if (auth == Auth.BEARER) {
            command.addAll(
                    List.of("--auth-token-file", tokens.toString(), "--auth-write-token-file", writeTokens.toString()));
        }
        ProcessBuilder serve = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("serve.log").toFile());
        serve.environment().putAll(environment);
        process = serve.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> status("http://127.0.0.1:" + management + "/ready") == 200);
    }

    private static void copy(Path from, Path to) throws IOException {
        assertThat(from)
                .as("the shared conformance tables, beside the project root")
                .isDirectory();
        try (var files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void writeQualityTable(Path directory) throws IOException, SQLException {
        Files.createDirectories(directory);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT range::BIGINT AS driver_id,"
                    + " now()::TIMESTAMPTZ - INTERVAL 1 HOUR - range * INTERVAL 1 SECOND AS event_timestamp,"
                    + " CASE WHEN range % 3 = 0 THEN NULL ELSE range / 8.0 END::DOUBLE AS score,"
                    + " CASE WHEN range % 4 = 0 THEN NULL ELSE 'tier-' || (range % 5) END AS tier,"
                    + " (range * 7)::INTEGER AS trips, range % 2 = 0 AS vip,"
                    + " CASE WHEN range % 2 = 0 THEN ['new', 'city'] ELSE ['airport'] END AS tags"
                    + " FROM range(1001, " + (1001 + QUALITY_DRIVERS) + ")) TO '"
                    + directory.resolve("part-0.parquet") + "' (FORMAT parquet)");
        }
    }

    /** The latest row of each driver in a table, read by DuckDB from the table's own Parquet files. */
    List<Object[]> latest(String table, String columns, List<Long> drivers) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duck.createStatement()) {
            for (long driver : drivers) {
                var result = sql.executeQuery("SELECT " + columns + " FROM read_parquet('" + lakehouse.resolve(table)
                        + "/**/*.parquet', hive_partitioning = false) WHERE driver_id = " + driver
                        + " ORDER BY event_timestamp DESC LIMIT 1");
                if (result.next()) {
                    Object[] row = new Object[result.getMetaData().getColumnCount()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = result.getObject(c + 1);
                    }
                    rows.add(row);
                } else {
                    rows.add(null);
                }
            }
        }
        return rows;
    }

    /** The rows of a table whose event time is in {@code [start, end]}, counted by DuckDB from its Parquet files. */
    long count(String table, Instant start, Instant end) throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duck.createStatement()) {
            var result = sql.executeQuery("SELECT count(*) FROM read_parquet('" + lakehouse.resolve(table)
                    + "/**/*.parquet', hive_partitioning = false) WHERE event_timestamp BETWEEN '" + start + "' AND '"
                    + end + "'");
            result.next();
            return result.getLong(1);
        }
    }

    JsonNode postFeast(String body) throws Exception {
        return postJson("/get-online-features", body);
    }

    /** POSTs {@code body} to {@code path} of the API with the read token; the answer must be 200. */
    JsonNode postJson(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
