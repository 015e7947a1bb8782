package io.featureduck.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end run on a real cluster, {@code e2e/kind/run.sh}: images, kind, the Helm chart, the examples,
 * {@code kubectl wait} on status conditions, lookups through the Service, a FeatureView change without a pod restart.
 * It needs a Docker engine; where there is none the test is skipped and says so.
 */
class KindEndToEndIT {
    @Test
    void examplesServeOnARealClusterAndFollowAFeatureViewChange() throws Exception {
        assumeTrue(
                dockerEngine(),
                "skipped: no Docker engine here ('docker info' failed or docker is missing); "
                        + "run e2e/kind/run.sh on a machine with Docker, kind, kubectl and helm");
        Path log = Files.createTempFile("kind-e2e", ".log");
        Process run = new ProcessBuilder("bash", "e2e/kind/run.sh")
                .directory(Path.of("..").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(run.waitFor(40, TimeUnit.MINUTES))
                .as("finished within 40 minutes")
                .isTrue();
        String output = Files.readString(log);
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).as(output).contains("PASSED");
    }

    private static boolean dockerEngine() {
        try {
            Process info = new ProcessBuilder("docker", "info")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return info.waitFor(20, TimeUnit.SECONDS) && info.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
