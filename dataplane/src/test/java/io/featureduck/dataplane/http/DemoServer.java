package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.DataPlane;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.demo.DemoLakehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.UnaryOperator;

/** A real data-plane process serving a freshly written demo lakehouse, and a client for it. */
final class DemoServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path directory;
    final Instant writtenAt;
    final ServingConfig config;
    final DataPlane dataPlane;
    private final HttpProbe http;

    private final HttpProbe management;

    DemoServer(Path directory, int drivers) {
        this(directory, drivers, "auth: {type: none}", b -> b);
    }

    /**
     * A demo server whose store's {@code spec.dataPlane} has {@code dataPlaneSettings} (YAML lines at the indentation
     * of {@code auth:}) in place of the demo's {@code auth: {type: none}}, and {@code settings} on the command line.
     */
    DemoServer(Path directory, int drivers, String dataPlaneSettings, UnaryOperator<DataPlaneConfig.Builder> settings) {
        this.directory = directory;
        this.writtenAt = Instant.now();
        Path file = new DemoLakehouse(drivers, 4).write(directory, writtenAt);
        try {
            Files.writeString(
                    file,
                    Files.readString(file)
                            .replaceFirst(
                                    "auth: \\{type: none\\}.*",
                                    java.util.regex.Matcher.quoteReplacement(
                                            dataPlaneSettings.replace("\n", "\n    "))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.config = new ServingConfigLoader().load(file);
        // Reloads are checked often so that tests of them run fast; they only happen once a test calls watch.
        this.dataPlane = DataPlane.start(
                config,
                settings.apply(DataPlaneConfig.of(config)
                                .address("127.0.0.1", 0)
                                .configReloadInterval(java.time.Duration.ofMillis(100)))
                        .build());
        dataPlane.initialLoad().join();
        this.http = new HttpProbe(dataPlane.port());
        this.management = new HttpProbe(dataPlane.managementPort());
    }

    /** The management port: probes, metrics, the operator's view report. */
    HttpProbe management() {
        return management;
    }

    String base() {
        return http.base();
    }

    /** A reply: status, the body as JSON when it is JSON, and as text. */
    record Reply(int status, JsonNode json, String text, HttpResponse<String> raw) {}

    Reply post(String path, String body) {
        return http.post(path, body);
    }

    Reply get(String path) {
        return http.get(path);
    }

    Reply send(HttpRequest request) {
        return http.send(request);
    }

    @Override
    public void close() {
        dataPlane.close();
    }
}
