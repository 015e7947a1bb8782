package io.featureduck.dataplane.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.Sharding;
import io.featureduck.dataplane.slots.ShardLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A store of several views over Parquet tables written with pseudo-random values (two entity types, a composite key,
 * nulls, lists, TTL, on-demand features, aggregations, pushes), served by one unsharded process and by {@code count} shard
 * processes that know each other: the same definitions, two layouts.
 */
final class ShardedStore implements AutoCloseable {
    /** Drivers with rows: ids 1..DRIVERS; requests also ask for ids past it. */
    static final int DRIVERS = 3000;

    static final int CUSTOMERS = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path file;
    final ServingConfig config;
    final DataPlane single;
    final DataPlane[] shards;
    private final int[] grpcPorts;
    private final List<DataPlane> extra = new java.util.concurrent.CopyOnWriteArrayList<>();

    ShardedStore(Path directory, int count) {
        this.file = write(directory);
        this.config = new ServingConfigLoader().load(file);
        this.single = start(DataPlaneConfig.of(config).address("127.0.0.1", 0));
        this.grpcPorts = new int[count];
        for (int i = 0; i < count; i++) {
            grpcPorts[i] = freePort();
        }
        this.shards = new DataPlane[count];
        for (int i = 0; i < count; i++) {
            shards[i] = startShard(i);
        }
    }

    /** Starts shard {@code i} (again, after {@link #stopShard}), on its own gRPC port. */
    DataPlane startShard(int i) {
        shards[i] = start(DataPlaneConfig.of(config)
                .address("127.0.0.1", 0)
                .grpcPort(grpcPorts[i])
                .shard(new ShardLayout(i, grpcPorts.length), peers(grpcPorts, i)));
        return shards[i];
    }

    /** The gRPC port of shard {@code i}. */
    int grpcPort(int i) {
        return grpcPorts[i];
    }

    /** The other shards' addresses, for shard {@code i} of a layout whose shards listen on {@code ports}. */
    static Map<Integer, List<Sharding.Peer>> peers(int[] ports, int i) {
        Map<Integer, List<Sharding.Peer>> peers = new TreeMap<>();
        for (int j = 0; j < ports.length; j++) {
            if (j != i) {
                peers.put(j, List.of(new Sharding.Peer("127.0.0.1", ports[j])));
            }
        }
        return peers;
    }

    /** One more process: shard {@code i} of {@code count}, on {@code grpcPort}, asking {@code peers}. */
    DataPlane startProcess(int i, int count, int grpcPort, Map<Integer, List<Sharding.Peer>> peers) {
        DataPlane dataPlane = start(DataPlaneConfig.of(config)
                .address("127.0.0.1", 0)
                .grpcPort(grpcPort)
                .shard(new ShardLayout(i, count), peers));
        extra.add(dataPlane);
        return dataPlane;
    }

    /** A whole layout of {@code count} shards beside the others, on ports of its own. */
    DataPlane[] startLayout(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = freePort();
        }
        DataPlane[] layout = new DataPlane[count];
        for (int i = 0; i < count; i++) {
            layout[i] = startProcess(i, count, ports[i], peers(ports, i));
        }
        return layout;
    }

    void stopShard(int i) {
        shards[i].close();
    }

    private DataPlane start(DataPlaneConfig.Builder settings) {
        DataPlane dataPlane = DataPlane.start(config, settings.build());
        dataPlane.initialLoad().join();
        return dataPlane;
    }

    private Path write(Path directory) {
        Path lakehouse = directory.resolve("lakehouse");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duckdb.createStatement()) {
            for (String table : List.of("drivers", "customers", "trips", "zones")) {
                Files.createDirectories(lakehouse.resolve(table));
            }
            // Up to three rows per driver, the latest winning; one in ten values null; a third of the drivers last
            // seen two days ago, past the view's TTL of one day.
            sql.execute("COPY (SELECT driver_id, "
                    + "now() - INTERVAL (CASE WHEN driver_id % 3 = 0 THEN 48 ELSE 1 END) HOUR"
                    + " - INTERVAL (version * 10) MINUTE AS ts, "
                    + "CASE WHEN hash(driver_id, version) % 10 = 0 THEN NULL "
                    + "ELSE (hash(driver_id, version, 'r') % 100000) / 1000.0 END AS rate, "
                    + "CAST(hash(driver_id, version, 't') % 500 AS INTEGER) AS trips, "
                    + "CASE WHEN driver_id % 7 = 0 THEN NULL ELSE 'driver-' || driver_id || '-v' || version END AS name, "
                    + "[driver_id / 10.0, version * 1.5] AS scores, "
                    + "hash(driver_id, 'a') % 2 = 0 AS active "
                    + "FROM range(1, " + (DRIVERS + 1) + ") d(driver_id), range(0, 3) v(version) "
                    + "WHERE hash(driver_id, version, 'keep') % 4 <> 0 OR version = 0) TO '"
                    + lakehouse.resolve("drivers/part-0.parquet") + "' (FORMAT parquet)");
            sql.execute("COPY (SELECT 'c-' || c AS customer_id, now() - INTERVAL (c % 50) MINUTE AS ts, "
                    + "CASE WHEN c % 11 = 0 THEN NULL ELSE (hash(c) % 100000) / 100.0 END AS spend, "
                    + "['gold', 'silver', 'bronze'][1 + c % 3] AS tier, "
                    + "DATE '2020-01-01' + CAST(c % 1500 AS INTEGER) AS joined "
                    + "FROM range(1, " + (CUSTOMERS + 1) + ") t(c)) TO '"
                    + lakehouse.resolve("customers/part-0.parquet") + "' (FORMAT parquet)");
            sql.execute("COPY (SELECT 1 + hash(i, 'd') % " + DRIVERS + " AS driver_id, "
                    + "'c-' || (1 + hash(i, 'c') % " + CUSTOMERS + ") AS customer_id, "
                    + "now() - INTERVAL (i % 600) SECOND AS ts, (hash(i, 'f') % 10000) / 100.0 AS fare, "
                    + "CAST(i AS BIGINT) AS trip_count FROM range(0, 6000) t(i)) TO '"
                    + lakehouse.resolve("trips/part-0.parquet") + "' (FORMAT parquet)");
            sql.execute("COPY (SELECT CAST(z AS BIGINT) AS driver_id, now() AS ts, 'zone-' || (z % 5) AS zone "
                    + "FROM range(1, 41) t(z)) TO '" + lakehouse.resolve("zones/part-0.parquet")
                    + "' (FORMAT parquet)");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
        Path yaml = directory.resolve("store.yaml");
        try {
            Files.writeString(yaml, """
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureStore
                    metadata: {name: lake}
                    spec:
                      lakehouse: {format: parquet, root: lakehouse}
                      dataPlane: {auth: {type: none}, replicateBelowRows: 1000, drainPeriod: 1s}
                    ---
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureView
                    metadata: {name: drivers}
                    spec:
                      store: lake
                      source: {path: drivers, timestampColumn: ts}
                      entities: [{name: driver_id, type: int64}]
                      features:
                        - {name: rate, type: float64}
                        - {name: trips, type: int32}
                        - {name: name, type: string}
                        - {name: scores, type: list<float64>}
                        - {name: active, type: bool}
                      requestData: [{name: bonus, type: float64}]
                      onDemand:
                        - {name: rate_plus, type: float64, expression: 'rate + request.bonus'}
                        - {name: busy, type: bool, expression: 'seen_lifetime > 2'}
                      aggregations:
                        - {name: trips_sum, column: trips, type: int32, function: sum, windows: [1h, 1d, lifetime]}
                        - {name: seen, function: count, windows: [1d, lifetime]}
                        - {name: names, column: name, type: string, function: last_n, n: 2, window: lifetime}
                      ttl: 24h
                      refreshInterval: 1s
                      push: {enabled: true, sourceName: drivers_push, flushInterval: 10ms}
                    ---
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureView
                    metadata: {name: customers}
                    spec:
                      store: lake
                      source: {path: customers, timestampColumn: ts}
                      entities: [{name: customer_id, type: string}]
                      features:
                        - {name: spend, type: float64}
                        - {name: tier, type: string}
                        - {name: joined, type: date}
                    ---
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureView
                    metadata: {name: trips}
                    spec:
                      store: lake
                      source: {path: trips, timestampColumn: ts}
                      entities: [{name: driver_id, type: int64}, {name: customer_id, type: string}]
                      features:
                        - {name: fare, type: float64}
                        - {name: trip_count, type: int64}
                    ---
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureView
                    metadata: {name: zones}
                    spec:
                      store: lake
                      source: {path: zones, timestampColumn: ts}
                      entities: [{name: driver_id, type: int64}]
                      features: [{name: zone, type: string}]
                    ---
                    apiVersion: featureduck.io/v1alpha1
                    kind: FeatureService
                    metadata: {name: ranking}
                    spec:
                      store: lake
                      features: ['drivers:rate', 'drivers:name', 'drivers:scores', 'customers:spend', 'zones:zone']
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return yaml;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every process: the unsharded one, then the shards. */
    List<DataPlane> all() {
        List<DataPlane> all = new ArrayList<>(List.of(single));
        all.addAll(List.of(shards));
        return all;
    }

    @Override
    public void close() {
        for (DataPlane dataPlane : all()) {
            dataPlane.close();
        }
        extra.forEach(DataPlane::close);
    }

    /** Each view's served table version, as {@code view=version} pairs: equal when two processes serve the same. */
    static String versions(DataPlane dataPlane) throws IOException, InterruptedException {
        JsonNode views = JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.port() + "/v1/views"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        StringBuilder versions = new StringBuilder();
        for (JsonNode view : views.path("views")) {
            versions.append(view.path("name").asText())
                    .append('=')
                    .append(view.path("table_version").asText());
        }
        return versions.toString();
    }
}
