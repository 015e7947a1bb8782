package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Feast's own Python SDK ({@code feast} 0.67.0 from PyPI, installed by the build into {@code target/feast-python})
 * driving a data plane through {@code src/test/python/feast_sdk.py}, with a Feast repository whose whole
 * configuration names the data plane as registry, online store and offline store.
 */
final class FeastSdk {
    private static final Path SCRIPT = Path.of("src", "test", "python", "feast_sdk.py");

    private final DataPlaneProcess dataPlane;
    private final Path repository;

    /** @param repository where the Feast repository ({@code feature_store.yaml}) is written */
    FeastSdk(DataPlaneProcess dataPlane, Path repository) {
        this.dataPlane = dataPlane;
        this.repository = repository;
    }

    Path repository() {
        return repository;
    }

    /** The virtual environment's Python (compat/pom.xml, execution feast-python-install). */
    static String python() {
        Path python = Path.of("target", "feast-python", "bin", "python");
        assertThat(python)
                .as("the build installs Feast's Python SDK into target/feast-python; run mvn verify")
                .isExecutable();
        return python.toString();
    }

    /**
     * Runs one command of the script as the caller of {@code token} ({@code "-"}: none); returns its answer, the last
     * JSON line it printed (Arrow's C++ library logs a failed stream's close after it).
     */
    JsonNode run(String token, String command, String... arguments) throws Exception {
        List<String> line = new ArrayList<>(List.of(
                python(),
                SCRIPT.toString(),
                repository.toString(),
                "127.0.0.1",
                Integer.toString(dataPlane.port),
                Integer.toString(dataPlane.grpcPort),
                Integer.toString(dataPlane.offlinePort),
                token,
                command));
        line.addAll(List.of(arguments));
        Process script = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(out).isZero();
        List<String> lines =
                out.lines().filter(l -> l.startsWith("{") || l.startsWith("[")).toList();
        assertThat(lines).as(out).isNotEmpty();
        return DataPlaneProcess.JSON.readTree(lines.get(lines.size() - 1));
    }

    /** {@link #run} with {@code argument} as the command's JSON argument. */
    JsonNode call(String token, String command, Object argument) throws Exception {
        return run(token, command, DataPlaneProcess.JSON.writeValueAsString(argument));
    }

    /** {@code answer}, checked to be no error. */
    static JsonNode answer(JsonNode answer) {
        assertThat(answer.has("error"))
                .as("Feast raised %s", answer.path("error"))
                .isFalse();
        return answer;
    }

    /** Checks that Feast raised {@code feastClass} of {@code feast.errors}, its message containing the parts. */
    static void assertFeastError(JsonNode answer, String feastClass, String... messageParts) {
        assertThat(answer.path("error").path("module").asText())
                .as(answer.toString())
                .isEqualTo("feast.errors");
        assertThat(answer.path("error").path("class").asText())
                .as(answer.toString())
                .isEqualTo(feastClass);
        assertThat(answer.path("error").path("message").asText()).contains(messageParts);
    }
}
