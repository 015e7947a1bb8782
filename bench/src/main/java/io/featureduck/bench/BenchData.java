package io.featureduck.bench;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The benchmark's lakehouse, shaped after Feast's published online-serving benchmark: {@code views} Delta tables of
 * {@code features} float64 features each, every one of {@code entities} entities updated in each of {@code versions}
 * commits. Writes {@code bench.yaml} beside the tables.
 *
 * <p>Usage: {@code BenchData <dir> [entities=1000000] [views=5] [features=10] [versions=5] [type=float64]}; with
 * {@code string}, features are strings of 12 to 24 characters drawn from a million values (segment and device
 * labels, say), the string-heavy shape.
 */
public final class BenchData {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        int entities = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int views = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int features = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int versions = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        boolean strings = args.length > 5 && args[5].equals("string");
        Files.createDirectories(dir);
        Engine engine = DefaultEngine.create(new Configuration());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        StringBuilder yaml = new StringBuilder("""
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: bench}
                spec:
                  lakehouse: {format: delta, root: tables}
                  dataPlane: {maxBatchEntities: 1000, auth: {type: none}}
                """);
        long start = System.nanoTime();
        DuckDbSettings settings = DuckDbSettings.defaults();
        try (DuckDbSession session = DuckDbSession.open(settings, List.of(dir, settings.tempDirectory()))) {
            for (int v = 0; v < views; v++) {
                String name = "view_" + v;
                StructType schema = new StructType()
                        .add("entity_id", LongType.LONG, false)
                        .add("event_timestamp", TimestampType.TIMESTAMP, false);
                StringBuilder columns = new StringBuilder();
                yaml.append("---\napiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: ")
                        .append(name.replace('_', '-'))
                        .append("}\nspec:\n  store: bench\n  source: {path: ")
                        .append(name)
                        .append(", timestampColumn: event_timestamp}\n")
                        .append("  entities: [{name: entity_id, type: int64}]\n  features:\n");
                for (int f = 0; f < features; f++) {
                    String hash = "hash(range, " + v + ", " + f + ", version)";
                    if (strings) {
                        schema = schema.add("f" + f, StringType.STRING);
                        columns.append(", 'seg-' || repeat('x', (")
                                .append(hash)
                                .append(" % 13)::INTEGER) || '-' || (")
                                .append(hash)
                                .append(" % 1000000) AS f")
                                .append(f);
                        yaml.append("    - {name: f").append(f).append(", type: string}\n");
                    } else {
                        schema = schema.add("f" + f, DoubleType.DOUBLE);
                        columns.append(", (")
                                .append(hash)
                                .append(" % 1000000) / 1000.0 AS f")
                                .append(f);
                        yaml.append("    - {name: f").append(f).append(", type: float64}\n");
                    }
                }
                DeltaTableWriter writer =
                        new DeltaTableWriter(engine, dir.resolve("tables").resolve(name));
                for (int version = 0; version < versions; version++) {
                    long eventMicros = (now.getEpochSecond() - (versions - version) * 3600L) * 1_000_000L;
                    String select = "SELECT range AS entity_id, make_timestamp(" + eventMicros
                            + "::BIGINT)::TIMESTAMPTZ AS event_timestamp"
                            + columns.toString().replace("version", Integer.toString(version))
                            + " FROM range(0, " + entities + ")";
                    writer.append(session, select, schema);
                }
                System.out.printf(
                        "wrote %s: %d entities x %d versions (%.1f s)%n",
                        name, entities, versions, (System.nanoTime() - start) / 1e9);
            }
        }
        Files.writeString(dir.resolve("bench.yaml"), yaml.toString());
        System.out.println("wrote " + dir.resolve("bench.yaml"));
    }

    private BenchData() {}
}
