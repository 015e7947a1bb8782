package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.demo.DemoLakehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A join key the online routes refuse is refused by historical retrieval too, with the same code, and vice versa. */
class KeyAgreementTest {
    @TempDir
    static Path directory;

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = new DemoServer(directory, 30, "auth: {type: none}", b -> b);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void onlineAndHistoricalAcceptAndRefuseTheSameKeys() {
        long driver = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
        List<String> values = List.of(
                Long.toString(driver),
                "-1",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775809",
                "1e400",
                "1.5",
                "1.0",
                "\"" + driver + "\"",
                "true",
                "null",
                "[]",
                "{}",
                "123456789012345678901234567890");
        for (String value : values) {
            DemoServer.Reply online = server.post(
                    "/v1/features/online",
                    "{\"feature_view\": \"driver-stats\", " + "\"entities\": [{\"driver_id\": " + value + "}]}");
            DemoServer.Reply feast = server.post(
                    "/get-online-features",
                    "{\"features\": [\"driver-stats:conv_rate\"], " + "\"entities\": {\"driver_id\": [" + value
                            + "]}}");
            DemoServer.Reply historical = server.post(
                    "/v1/features/historical",
                    "{\"features\": "
                            + "[\"driver-stats:conv_rate\"], \"entity_rows\": [{\"driver_id\": " + value
                            + ", \"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}");
            assertThat(historical.status())
                    .as("driver_id %s: online %s, historical %s", value, online.text(), historical.text())
                    .isEqualTo(online.status());
            assertThat(feast.status())
                    .as("driver_id %s: feast %s", value, feast.text())
                    .isEqualTo(online.status());
            if (online.status() != 200) {
                assertThat(historical.json().at("/error/code").asText())
                        .as("driver_id %s", value)
                        .isEqualTo(online.json().at("/error/code").asText());
            }
        }
    }
}
