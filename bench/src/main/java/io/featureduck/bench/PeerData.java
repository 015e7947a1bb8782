package io.featureduck.bench;

import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One table served by FeatureDuck and by Feast's own feature server, for {@code bench/peers.sh}: {@code entities} rows
 * of {@code features} float64 features, one per entity, as a Parquet file both read. Writes beside it:
 * <ul>
 *   <li>{@code featureduck.yaml}: a store serving it as view {@code peer};</li>
 *   <li>{@code feast/feature_store.yaml} and {@code feast/repo.py}: a Feast repository defining the same view over the
 *       same file, with a local registry, a file offline store and a Redis online store at {@code redis-port}.</li>
 * </ul>
 * Usage: {@code PeerData <dir> <entities> <features> <redis-port>}.
 */
public final class PeerData {
    private PeerData() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        int entities = Integer.parseInt(args[1]);
        int features = Integer.parseInt(args[2]);
        int redisPort = Integer.parseInt(args[3]);
        Path table = dir.resolve("tables").resolve("peer");
        Files.createDirectories(table);
        Files.createDirectories(dir.resolve("feast").resolve("data"));
        String columns =
                IntStream.range(0, features).mapToObj(f -> "random() AS f" + f).collect(Collectors.joining(", "));
        DuckDbSettings settings = DuckDbSettings.defaults();
        try (DuckDbSession session = DuckDbSession.open(settings, List.of(dir, settings.tempDirectory()))) {
            session.execute("SELECT setseed(0.42)");
            session.execute("COPY (SELECT range AS entity_id,"
                    + " (now() - INTERVAL 1 HOUR - (range % 3600) * INTERVAL 1 SECOND)::TIMESTAMPTZ AS event_timestamp, "
                    + columns + " FROM range(" + entities + ")) TO '" + table.resolve("part-0.parquet")
                    + "' (FORMAT parquet)");
        }
        String fields = IntStream.range(0, features)
                .mapToObj(f -> "    - {name: f" + f + ", type: float64}")
                .collect(Collectors.joining("\n"));
        Files.writeString(dir.resolve("featureduck.yaml"), """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: peers}
                spec:
                  lakehouse: {format: parquet, root: tables}
                  dataPlane: {maxBatchEntities: 1000, auth: {type: none}}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: peer}
                spec:
                  store: peers
                  source: {path: peer, format: parquet, timestampColumn: event_timestamp}
                  entities: [{name: entity_id, type: int64}]
                  features:
                %s
                """.formatted(fields));
        Files.writeString(dir.resolve("feast").resolve("feature_store.yaml"), """
                project: peers
                provider: local
                registry: data/registry.db
                online_store:
                  type: redis
                  connection_string: 127.0.0.1:%d
                offline_store:
                  type: file
                entity_key_serialization_version: 3
                """.formatted(redisPort));
        String schema = IntStream.range(0, features)
                .mapToObj(f -> "Field(name=\"f" + f + "\", dtype=Float64)")
                .collect(Collectors.joining(", "));
        Files.writeString(
                dir.resolve("feast").resolve("repo.py"), """
                # The view bench/peers.sh serves from Feast's own feature server: the same Parquet file FeatureDuck serves.
                from datetime import timedelta

                from feast import Entity, FeatureView, Field, FileSource, ValueType
                from feast.types import Float64

                entity = Entity(name="entity_id", join_keys=["entity_id"], value_type=ValueType.INT64)
                source = FileSource(path="%s", timestamp_field="event_timestamp")
                peer = FeatureView(name="peer", entities=[entity], ttl=timedelta(days=3650), schema=[%s], source=source,
                                   online=True)
                """.formatted(table.resolve("part-0.parquet"), schema));
    }
}
