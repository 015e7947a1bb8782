package io.featureduck.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.SharedTestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingConfigLoaderTest {
    private static final String STORE = """
            apiVersion: featureduck.io/v1alpha1
            kind: FeatureStore
            metadata: {name: demo}
            spec:
              lakehouse: {format: delta, root: %s}
              dataPlane: {auth: {type: none}}
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("store.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** The reasons the file's refused views were left out, as one text; the file itself must load. */
    private static String refusals(Path file) {
        ServingConfig config = new ServingConfigLoader().load(file);
        assertThat(config.refused()).as("refused views").isNotEmpty();
        return String.join("\n", config.refused().values());
    }

    @Test
    void loadsTheExampleConfiguration() {
        ServingConfig config = new ServingConfigLoader()
                .load(SharedTestData.projectRoot().resolve("examples/local/feature-store.yaml"));
        assertThat(config.store().name()).isEqualTo("demo");
        assertThat(config.views())
                .extracting(ViewDefinition::name)
                .containsExactly("driver-stats", "driver-profile", "driver-trips");
        ViewDefinition stats = config.view("driver-stats").orElseThrow();
        assertThat(stats.format()).isEqualTo(TableFormat.DELTA);
        assertThat(stats.location().path())
                .isEqualTo(SharedTestData.projectRoot().resolve("examples/local/lakehouse/driver_hourly_stats"));
        assertThat(stats.ttl()).contains(Duration.ofHours(48));
        assertThat(stats.feature("trips_per_hour").orElseThrow().expression()).isEqualTo("avg_daily_trips / 24.0");
        assertThat(config.view("driver-profile").orElseThrow().isSnapshot()).isTrue();
        assertThat(config.view("driver-profile")
                        .orElseThrow()
                        .feature("languages")
                        .orElseThrow()
                        .type())
                .isEqualTo(ValueType.STRING_LIST);
    }

    @Test
    void resolvesAbsoluteAndFileUriLocations() throws IOException {
        Path file = write(STORE.formatted(dir.toUri() + ", allowedRoots: [/data/tables]") + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: a}
                spec:
                  store: demo
                  source: {path: /data/tables/a, timestampColumn: ts}
                  entities: [{name: id, type: int64}]
                  features: [{name: f, type: float64}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: b}
                spec:
                  store: demo
                  source: {path: nested/b}
                  entities: [{name: id, type: string}]
                  features: [{name: f, type: list<int32>}]
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        assertThat(config.view("a").orElseThrow().location().path()).isEqualTo(Path.of("/data/tables/a"));
        assertThat(config.view("b").orElseThrow().location().path()).isEqualTo(dir.resolve("nested/b"));
        assertThat(config.view("b").orElseThrow().isSnapshot()).isTrue();
    }

    @Test
    void rejectsInvalidDefinitionsNamingFileViewAndField() throws IOException {
        Path file = write(STORE.formatted("lake") + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: driver-stats}
                spec:
                  store: demo
                  source: {path: t, timestampColumn: ts}
                  entities: [{name: driver_id, type: int64}]
                  features: [{name: conv_rate, type: double}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: other}
                spec:
                  store: elsewhere
                  source: {path: t, timestampColumn: ts}
                  entities: [{name: k, type: int64}]
                  features: [{name: f, type: int64}]
                  ttl: forever
                """);
        // Each bad view is left out with its reasons; the store loads.
        ServingConfig config = new ServingConfigLoader().load(file);
        assertThat(config.views()).isEmpty();
        assertThat(config.refused()).containsOnlyKeys("driver-stats", "other");
        assertThat(config.refused().get("driver-stats"))
                .contains("spec.features[0].type")
                .contains("unknown value type 'double'");
        assertThat(config.refused().get("other")).startsWith("spec.ttl");
    }

    @Test
    void rejectsAViewOfAnotherStoreAndLocationsItCannotRead() throws IOException {
        Path file = write(STORE.formatted("lake") + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: other}
                spec:
                  store: elsewhere
                  source: {path: "hdfs://namenode/t", timestampColumn: ts}
                  entities: [{name: k, type: int64}]
                  features: [{name: f, type: int64}]
                """);
        assertThat(refusals(file))
                .contains("spec.store: 'elsewhere' is not this store ('demo')")
                .contains("spec.source.path: 'hdfs://namenode/t': hdfs:// is not supported; "
                        + "use s3://, gs://, abfss://, wasbs:// or az://");
    }

    @Test
    void resolvesViewsUnderAnObjectStoreRoot() throws IOException {
        Path file = write(STORE.formatted("s3://features/lakehouse, allowedRoots: [\"gs://other-bucket\"]") + """
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: stats}
                spec:
                  store: demo
                  source: {path: driver_stats, timestampColumn: ts}
                  entities: [{name: k, type: int64}]
                  features: [{name: f, type: int64}]
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: elsewhere}
                spec:
                  store: demo
                  source: {path: "gs://other-bucket/t/", timestampColumn: ts}
                  entities: [{name: k, type: int64}]
                  features: [{name: f, type: int64}]
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        assertThat(config.view("stats").orElseThrow().location().uri())
                .isEqualTo("s3://features/lakehouse/driver_stats");
        assertThat(config.view("elsewhere").orElseThrow().location().uri()).isEqualTo("gs://other-bucket/t");
    }

    @Test
    void rejectsFilesWithoutExactlyOneStoreOrWithForeignDocuments() throws IOException {
        Path file = write("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: x}
                """);
        assertThatThrownBy(() -> new ServingConfigLoader().load(file))
                .hasMessageContaining("apiVersion: 'v1' is not featureduck.io/v1alpha1")
                .hasMessageContaining("expected exactly one FeatureStore, found 0");
    }

    @Test
    void reportsAMissingFile() {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> new ServingConfigLoader().load(missing))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void pushSettingsAreReadWithDefaultsAndRefusedWhereTheTableCannotBeWritten() throws Exception {
        String view = """
                source: {path: scores, timestampColumn: ts}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                push: {enabled: true%s}
                """;
        ViewDefinition pushed = new ServingConfigLoader()
                .load(io.featureduck.dataplane.ServingYaml.write(dir, "delta", view.formatted("")))
                .view("scores")
                .orElseThrow();
        assertThat(pushed.push())
                .contains(new ViewDefinition.PushSettings("scores", java.time.Duration.ofMillis(200), 10_000));
        assertThat(new ServingConfigLoader()
                        .load(io.featureduck.dataplane.ServingYaml.write(
                                dir,
                                "iceberg",
                                view.formatted(", sourceName: s_push, flushInterval: 1s, maxBatchRows: 50")))
                        .view("scores")
                        .orElseThrow()
                        .push())
                .contains(new ViewDefinition.PushSettings("s_push", java.time.Duration.ofSeconds(1), 50));
        assertThat(new ServingConfigLoader()
                        .load(io.featureduck.dataplane.ServingYaml.write(
                                dir, "delta", view.replace("push: {enabled: true%s}", "push: {enabled: false}")))
                        .view("scores")
                        .orElseThrow()
                        .push())
                .isEmpty();

        assertThat(refusals(io.featureduck.dataplane.ServingYaml.write(dir, "hudi", view.formatted(""))))
                .contains(
                        "spec.push.enabled: pushes commit to [delta, iceberg, parquet] tables; hudi tables are written "
                                + "by their own engines");
        assertThat(refusals(io.featureduck.dataplane.ServingYaml.write(
                        dir,
                        "duckdb",
                        view.replace("path: scores,", "path: scores.duckdb, table: scores,")
                                .formatted(""))))
                .contains("duckdb tables are written by their own engines");
        assertThat(refusals(io.featureduck.dataplane.ServingYaml.write(
                        dir,
                        "delta",
                        view.replace("path: scores", "path: 's3://bucket/scores'")
                                .formatted(""))))
                .contains("this view's table is on an object store, which the data plane only reads");
        assertThat(refusals(io.featureduck.dataplane.ServingYaml.write(
                        dir,
                        "delta",
                        view.replace("timestampColumn: ts", "timestampColumn: ts, version: 3")
                                .formatted(""))))
                .contains("a pinned view serves one fixed table version");
    }

    @Test
    void aPinIsReadAndRefusedWhereTheTableHasNoVersionsOrTwoPinsAreGiven() throws Exception {
        String view = """
                source: {path: scores, timestampColumn: ts, %s}
                entities: [{name: id, type: int64}]
                features: [{name: score, type: float64}]
                """;
        ViewDefinition pinned = new ServingConfigLoader()
                .load(io.featureduck.dataplane.ServingYaml.write(
                        dir, "iceberg", view.formatted("asOf: '2026-11-30T12:00:00+01:00'")))
                .view("scores")
                .orElseThrow();
        assertThat(pinned.pin())
                .contains(io.featureduck.crds.TablePin.ofInstant(java.time.Instant.parse("2026-11-30T11:00:00Z")));

        assertThat(refusals(io.featureduck.dataplane.ServingYaml.write(dir, "parquet", view.formatted("version: 3"))))
                .contains("spec.source.version: pins a table version, and parquet tables have no versions");
        assertThat(refusals(io.featureduck.dataplane.ServingYaml.write(
                        dir, "delta", view.formatted("version: 3, asOf: '2026-11-30T00:00:00Z'"))))
                .contains("pin the table by version or by asOf, not both");
        assertThat(refusals(
                        io.featureduck.dataplane.ServingYaml.write(dir, "delta", view.formatted("asOf: yesterday"))))
                .contains("spec.source.asOf: 'yesterday' is not an RFC 3339 date-time");
    }
}
