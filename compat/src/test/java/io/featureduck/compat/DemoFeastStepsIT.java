package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer does with the demo's Feast steps: run {@code featureduck demo}, then paste the two Feast lines it
 * prints into a shell where Feast's SDK is installed (here the build's virtual environment comes first on the PATH).
 */
class DemoFeastStepsIT {
    @TempDir
    Path work;

    @Test
    void thePrintedFeastStepsWorkWithFeastsOwnSdk() throws Exception {
        Path jar = Path.of(System.getProperty("featureduck.dataplane.jar", "../dataplane/target/featureduck.jar"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process demo = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "demo",
                        "--dir",
                        work.resolve("demo").toString(),
                        "--port",
                        "0",
                        "--drivers",
                        "200")
                .redirectErrorStream(true)
                .start();
        List<String> printed = new ArrayList<>();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                printed.add(line);
                if (line.startsWith("Serve it again later")) {
                    break;
                }
            }
            int header = printed.stream()
                    .filter(l -> l.startsWith("# Feast's Python SDK"))
                    .findFirst()
                    .map(printed::indexOf)
                    .orElseThrow(
                            () -> new AssertionError("the demo prints Feast steps:\n" + String.join("\n", printed)));
            String steps = printed.get(header + 1) + "\n" + printed.get(header + 2);
            Path venv = Path.of("target", "feast-python", "bin").toAbsolutePath();
            ProcessBuilder shell =
                    new ProcessBuilder("bash", "-euo", "pipefail", "-c", steps).redirectErrorStream(true);
            shell.environment().put("PATH", venv + ":" + System.getenv("PATH"));
            Process pasted = shell.start();
            String answer = new String(pasted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(pasted.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(pasted.exitValue()).as(answer).isZero();
            assertThat(answer)
                    .contains("driver-stats", "driver-profile", "driver-activity")
                    .contains("'driver_id': [1006]", "'conv_rate': [")
                    .contains("vehicle_type");
        } finally {
            demo.destroy();
            demo.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
