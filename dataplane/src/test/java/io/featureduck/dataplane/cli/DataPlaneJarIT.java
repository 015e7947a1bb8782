package io.featureduck.dataplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.SharedTestData;
import io.featureduck.dataplane.TableCopies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code featureduck.jar}, as users run it: one process over the table formats whose libraries load
 * classes and read their own manifests lazily, which the class path of the unit tests cannot show.
 */
class DataPlaneJarIT {
    @TempDir
    Path directory;

    @Test
    void theHudiExampleServesAndAgreesWithPointInTimeRetrieval() throws Exception {
        Files.copy(
                SharedTestData.projectRoot().resolve("examples/hudi/feature-store.yaml"),
                directory.resolve("feature-store.yaml"));
        TableCopies.copy(SharedTestData.hudi("cow/v9_txns_simple_meta"), directory.resolve("lakehouse/transactions"));

        Process parity = new ProcessBuilder(
                        javaBinary(),
                        "-jar",
                        jar().toString(),
                        "parity",
                        "-f",
                        directory.resolve("feature-store.yaml").toString())
                .redirectErrorStream(true)
                .start();
        assertThat(parity.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(parity.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(parity.exitValue()).as(output).isZero();
        assertThat(output).contains("transactions: OK, 12 entities agree (table version 20260307162456179");
    }

    private static Path jar() {
        Path jar = SharedTestData.projectRoot().resolve("dataplane/target/featureduck.jar");
        assertThat(jar).as("built by the package phase").isRegularFile();
        return jar;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
