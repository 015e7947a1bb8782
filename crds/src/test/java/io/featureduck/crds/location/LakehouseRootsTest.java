package io.featureduck.crds.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lexical lakehouse boundary, as both the operator and the data plane decide it. */
class LakehouseRootsTest {
    @Test
    void objectStoreLocationsMustShareTheRootsBucketAndPrefix() {
        LakehouseRoots roots = new LakehouseRoots(List.of("s3://lake/teams/a"));
        assertThat(roots.refusal("s3://lake/teams/a/t")).isEmpty();
        assertThat(roots.refusal("s3://lake/teams/a")).isEmpty();
        assertThat(roots.refusal("s3://lake/teams/ab/t")).isPresent();
        assertThat(roots.refusal("s3://lake/teams/a/../b/t")).isPresent();
        assertThat(roots.refusal("s3://other/teams/a/t")).isPresent();
        assertThat(roots.refusal("gs://lake/teams/a/t")).isPresent();
        assertThat(roots.refusal("/teams/a/t")).isPresent();
    }

    @Test
    void localLocationsAreComparedByNormalisedName() {
        LakehouseRoots roots = new LakehouseRoots(List.of("/lake"));
        assertThat(roots.refusal(LakehouseRoots.resolve("tables/t", "/lake"))).isEmpty();
        assertThat(roots.refusal(LakehouseRoots.resolve("tables/*.parquet", "/lake")))
                .isEmpty();
        assertThat(roots.refusal(LakehouseRoots.resolve("../etc", "/lake")))
                .get()
                .asString()
                .contains("'/etc' is outside", "allowedRoots");
        assertThat(roots.refusal(LakehouseRoots.resolve("file:///lake2/t", "/lake")))
                .isPresent();
        assertThat(roots.refusal("/lake2"))
                .as("a prefix of the name is not a parent directory")
                .isPresent();
    }

    @Test
    void relativeLocationsResolveAgainstTheirBaseWhereverItIs() {
        assertThat(LakehouseRoots.resolve("t", "s3://lake/teams/")).isEqualTo("s3://lake/teams/t");
        assertThat(LakehouseRoots.resolve(" s3://lake//x/ ", "/lake")).isEqualTo("s3://lake/x");
        assertThat(LakehouseRoots.resolve("a/../b", "/lake")).isEqualTo("/lake/b");
        assertThatThrownBy(() -> LakehouseRoots.resolve("ftp://host/x", "/lake"))
                .hasMessageContaining("not supported");
    }
}
