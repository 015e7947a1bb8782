package io.featureduck.operator.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.featureduck.operator.config.OperatorSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store's pods are asked once per status interval, however many views read the answer: against a real HTTP server
 * standing for a pod's management port, counting the requests it gets.
 */
class DataPlaneReportsTest {
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer pod;

    @AfterEach
    void stop() {
        pod.stop(0);
    }

    private String start(String body) throws IOException {
        pod = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pod.createContext("/views", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        pod.start();
        return "http://127.0.0.1:" + pod.getAddress().getPort();
    }

    /** A clock the test moves by hand. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void everyViewOfAStoreReadsOneRequestPerIntervalAndAConfigurationErrorIsSeen() throws IOException {
        String url = start("{\"configuration_error\": \"FeatureStore 'shop': spec.lakehouse.root: is required\", "
                + "\"views\": [{\"name\": \"a\", \"state\": \"READY\"}, {\"name\": \"b\", \"state\": \"FAILED\"}]}");
        TestClock clock = new TestClock();
        OperatorSettings settings =
                OperatorSettings.from(Map.of("FEATUREDUCK_DATAPLANE_URL", url, "FEATUREDUCK_STATUS_INTERVAL", "10s"));
        DataPlaneReports reports = new DataPlaneReports(settings, new DataPlaneClient(), clock);

        for (String view : java.util.List.of("a", "b", "c", "a", "b", "c")) {
            reports.of("features", "shop", Stream.empty()).view(view);
        }
        assertThat(requests)
                .as("requests for six view polls within one interval")
                .hasValue(1);
        StoreReports shop = reports.of("features", "shop", Stream.empty());
        assertThat(shop.view("a").answers()).singleElement().isInstanceOf(DataPlaneClient.Served.class);
        assertThat(shop.view("c").answers()).singleElement().isInstanceOf(DataPlaneClient.NotServed.class);
        assertThat(shop.configurationErrors()).containsExactly("FeatureStore 'shop': spec.lakehouse.root: is required");

        reports.of("features", "other", Stream.empty());
        assertThat(requests).as("another store is asked on its own").hasValue(2);
        clock.now = clock.now.plus(Duration.ofSeconds(10));
        reports.of("features", "shop", Stream.empty());
        assertThat(requests).as("the next interval asks again").hasValue(3);
    }
}
