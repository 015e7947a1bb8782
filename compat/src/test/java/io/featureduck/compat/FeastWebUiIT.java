package io.featureduck.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Feast's web UI ({@code feast ui}, from the same PyPI package as the SDK) pointed at a {@code feature_store.yaml}
 * that names a data plane as its registry browses the data plane's views, entities and feature services: each page
 * is rendered by headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs), its DOM checked for
 * the served names, and a screenshot kept in {@code target/feast-ui/}.
 *
 * <p>The data plane here needs no token: {@code feast ui} applies the yaml's {@code auth} to its own visitors too,
 * and its {@code kubernetes} auth reviews their tokens with a cluster's API server (docs/FEAST.md).
 */
class FeastWebUiIT {
    private static final Path SCREENSHOTS = Path.of("target", "feast-ui");

    @TempDir
    static Path work;

    static DataPlaneProcess dataPlane;
    static Process ui;
    static int uiPort;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(
                chromium() != null || System.getenv("CI") != null,
                "Debian's chromium is not installed here (.ci/run installs it)");
        assertThat(chromium())
                .as("chromium on the PATH (.ci/run installs Debian's package)")
                .isNotNull();
        dataPlane = new DataPlaneProcess(work, false);
        Path repo = work.resolve("feast-repo");
        new FeastSdk(dataPlane, repo).run("-", "yaml");
        try (ServerSocket socket = new ServerSocket(0)) {
            uiPort = socket.getLocalPort();
        }
        ui = new ProcessBuilder(
                        Path.of("target", "feast-python", "bin", "feast")
                                .toAbsolutePath()
                                .toString(),
                        "ui",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(uiPort))
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("feast-ui.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(URI.create(base() + "/projects-list.json"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ui != null) {
            ui.destroy();
            ui.waitFor(30, TimeUnit.SECONDS);
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + uiPort;
    }

    private static String chromium() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    /** Renders {@code page} in headless Chromium, letting its scripts run and fetch for up to 15 s of virtual time. */
    private static String render(String page, String... output) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + work.resolve("chromium-profile"),
                "--virtual-time-budget=15000",
                "--window-size=1400,1000"));
        command.addAll(List.of(output));
        command.add(base() + page);
        Process browser = new ProcessBuilder(command)
                .redirectError(work.resolve("chromium.log").toFile())
                .start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(browser.exitValue())
                .as(Files.readString(work.resolve("chromium.log")))
                .isZero();
        return dom;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "feature-views|/p/demo/feature-view|driver-stats,driver-profile,delta-updates,iceberg-deletes,hudi-people",
                "entities|/p/demo/entity|driver_id,id",
                "feature-services|/p/demo/feature-service|driver-activity,lakehouse-formats",
                "a-feature-view|/p/demo/feature-view/driver-stats|conv_rate,avg_daily_trips,conv_rate_plus_val1",
                "data-sources|/p/demo/data-source|driver-stats,hudi-people"
            })
    void browsesWhatTheDataPlaneServes(String name, String page, String expected) throws Exception {
        String dom = render(page, "--dump-dom");
        for (String served : expected.split(",")) {
            assertThat(dom).as("%s shows %s", page, served).contains(served);
        }
        Path screenshot = SCREENSHOTS.resolve(name + ".png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        render(page, "--screenshot=" + screenshot);
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot))
                .as("a rendered page, not a blank one")
                .isGreaterThan(20_000);
    }
}
