package io.featureduck.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A view can read only inside its store's lakehouse, and name only the store's catalogs. */
class LakehouseBoundaryTest {
    @TempDir
    Path dir;

    private Path write(String lakehouse, String source) throws IOException {
        Files.createDirectories(dir.resolve("lake/t"));
        Path file = dir.resolve("store.yaml");
        Files.writeString(file, """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: demo}
                spec:
                  lakehouse: {format: delta, root: lake%s}
                  dataPlane: {auth: {type: none}}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: v}
                spec:
                  store: demo
                  source: %s
                  entities: [{name: id, type: int64}]
                  features: [{name: f, type: float64}]
                """.formatted(lakehouse, source));
        return file;
    }

    /** Why view 'v' was left out: the store itself loads, without it. */
    private String refusal(String lakehouse, String source) throws IOException {
        ServingConfig config = new ServingConfigLoader().load(write(lakehouse, source));
        assertThat(config.views()).as("views served").isEmpty();
        assertThat(config.refused()).containsKey("v");
        return config.refused().get("v");
    }

    @Test
    void pathsInsideTheRootAreServedAndPathsOutsideAreRefused() throws IOException {
        assertThat(new ServingConfigLoader()
                        .load(write("", "{path: t, timestampColumn: ts}"))
                        .views())
                .hasSize(1);
        assertThat(refusal("", "{path: ../elsewhere, timestampColumn: ts}"))
                .contains("spec.source.path", "is outside the store's lakehouse", "allowedRoots");
        assertThat(refusal("", "{path: /etc, timestampColumn: ts}")).contains("'/etc' is outside");
        assertThat(refusal("", "{path: \"file:///var/run/secrets\", timestampColumn: ts}"))
                .contains("is outside");
        assertThat(refusal("", "{path: \"t/../../../etc/*.parquet\", timestampColumn: ts}"))
                .contains("is outside");
        assertThat(refusal("", "{path: \"s3://other-team/tables/t\", timestampColumn: ts}"))
                .contains("is outside");
    }

    @Test
    void aSymbolicLinkOutOfTheRootDoesNotEscapeIt() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("secrets"));
        Files.createDirectories(dir.resolve("lake"));
        Files.createSymbolicLink(dir.resolve("lake/link"), outside);
        assertThat(refusal("", "{path: link, timestampColumn: ts}")).contains("is outside");
    }

    @Test
    void rewriteTargetsAndHadoopWarehousesAreHeldToTheRootToo() throws IOException {
        assertThat(refusal("", "{path: t, timestampColumn: ts, pathRewrite: [{from: \"s3://old/\", to: /etc/}]}"))
                .contains("spec.source.pathRewrite[0].to", "is outside");
        assertThat(refusal("", "{path: t, timestampColumn: ts, pathRewrite: [{from: \"s3://old/\", to: relative}]}"))
                .contains("must be an absolute path");
        assertThat(refusal("", "{catalog: {type: hadoop, warehouse: /tmp}, table: a.b, format: iceberg}"))
                .contains("spec.source.catalog.warehouse", "is outside");
    }

    @Test
    void theStoreCanAllowFurtherRoots() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared-tables/t"));
        String lakehouse = ", allowedRoots: [\"" + shared.getParent() + "\"]";
        assertThat(new ServingConfigLoader()
                        .load(write(lakehouse, "{path: \"" + shared + "\", timestampColumn: ts}"))
                        .views())
                .hasSize(1);
        assertThat(refusal(lakehouse, "{path: \"" + dir.resolve("shared-tables-2") + "\", timestampColumn: ts}"))
                .as("a prefix of the name is not a parent directory")
                .contains("is outside");
    }

    @Test
    void aViewNamesOnlyTheStoresCatalogsAndNeverAnAddress() throws IOException {
        assertThat(refusal(
                        "",
                        "{catalog: {type: rest, uri: \"http://169.254.169.254/latest\"}, table: a.b, "
                                + "format: iceberg}"))
                .contains("spec.source.catalog", "cannot set a catalog's uri or properties");
        assertThat(refusal(
                        "",
                        "{catalog: {type: hadoop, warehouse: w, properties: {uri: x}}, table: a.b, "
                                + "format: iceberg}"))
                .contains("cannot set a catalog's uri or properties");
        assertThat(refusal("", "{catalog: {name: missing}, table: a.b, format: iceberg}"))
                .contains("the store has no catalog 'missing'");
        ServingConfig config = new ServingConfigLoader()
                .load(write(
                        ", catalogs: [{name: ml, type: rest, " + "uri: \"https://catalog.internal/api\"}]",
                        "{catalog: {name: ml}, table: a.b, format: iceberg}"));
        assertThat(config.views().get(0).location().catalog().uri()).isEqualTo("https://catalog.internal/api");
        assertThatThrownBy(() -> new ServingConfigLoader()
                        .load(write(", catalogs: [{type: rest, uri: x}]", "{path: t, timestampColumn: ts}")))
                .hasMessageContaining("spec.lakehouse.catalogs[0].name");
    }
}
