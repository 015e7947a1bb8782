package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.featureduck.dataplane.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forms of Feast's HTTP feature servers beyond plain feature lists, on the demo store: feature services,
 * request-time features with request data as the Python server takes it (extra entity columns) and as the Go server
 * does ({@code request_context}), the Go server's {@code ?status=}, {@code include_feature_view_version_metadata}, and
 * the same on-demand features computed by historical retrieval from each entity row's columns.
 */
class FeastCompatibilityTest {
    @TempDir
    static Path directory;

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = new DemoServer(directory, 100);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode ok(DemoServer.Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json();
    }

    private static List<String> names(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.at("/metadata/feature_names").forEach(n -> names.add(n.asText()));
        return names;
    }

    private static JsonNode column(JsonNode answer, String name) {
        return answer.at("/results/" + names(answer).indexOf(name));
    }

    @Test
    void aFeatureServiceAnswersExactlyAsItsFeatures() {
        JsonNode byService = ok(server.post(
                "/get-online-features",
                "{\"feature_service\": \"driver-activity\", " + "\"entities\": {\"driver_id\": [1010, 1001, 4242]}}"));
        JsonNode listed = ok(server.post(
                "/get-online-features",
                "{\"features\": [\"driver-stats:conv_rate\", "
                        + "\"driver-stats:acc_rate\", \"driver-stats:avg_daily_trips\", \"driver-profile:name\", "
                        + "\"driver-profile:vehicle_type\", \"driver-profile:rating\", \"driver-profile:signup_date\", "
                        + "\"driver-profile:languages\"], \"entities\": {\"driver_id\": [1010, 1001, 4242]}}"));
        assertThat(byService.path("results")).isEqualTo(listed.path("results"));
        assertThat(names(byService)).isEqualTo(names(listed));
        assertThat(ok(server.get("/v1/feature-services"))
                        .at("/feature_services/0/features/3")
                        .asText())
                .isEqualTo("driver-profile:name");
        // The view report names the request-time features and the request data they need.
        JsonNode view = ok(server.get("/v1/views/driver-stats"));
        assertThat(view.at("/on_demand/0/name").asText()).isEqualTo("conv_rate_plus_val1");
        assertThat(view.at("/on_demand/0/expression").asText()).isEqualTo("conv_rate + double(request.val_to_add)");
        assertThat(view.at("/request_data/1/name").asText()).isEqualTo("val_to_add_2");
        assertThat(view.at("/request_data/1/type").asText()).isEqualTo("int64");
    }

    /** {@code /v1/features/online} answers through the same lookup: on-demand features and feature services too. */
    @Test
    void theV1RouteAnswersOnDemandFeaturesAndFeatureServicesAsFeastsRouteDoes() {
        JsonNode feast = ok(
                server.post(
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\", "
                                + "\"driver-stats:conv_rate_plus_val1\", \"driver-stats:conv_rate_plus_val2\"], \"entities\": "
                                + "{\"driver_id\": [1010, 1011, 1001], \"val_to_add\": [1, 2, 3], \"val_to_add_2\": [10, 20, 30]}}"));
        JsonNode ours = ok(server.post(
                "/v1/features/online",
                "{\"feature_view\": \"driver-stats\", \"features\": "
                        + "[\"conv_rate\", \"conv_rate_plus_val1\", \"conv_rate_plus_val2\"], \"entities\": ["
                        + "{\"driver_id\": 1010, \"val_to_add\": 1, \"val_to_add_2\": 10}, "
                        + "{\"driver_id\": 1011, \"val_to_add\": 2, \"val_to_add_2\": 20}, "
                        + "{\"driver_id\": 1001, \"val_to_add\": 3, \"val_to_add_2\": 30}]}"));
        for (String feature : List.of("conv_rate", "conv_rate_plus_val1", "conv_rate_plus_val2")) {
            for (int e = 0; e < 3; e++) {
                assertThat(ours.at("/results/" + e + "/features/" + feature))
                        .as(feature + " of entity " + e)
                        .isEqualTo(column(feast, feature).at("/values/" + e));
            }
        }
        assertThat(ours.at("/results/0/status").asText()).isEqualTo("PRESENT");
        assertThat(ours.at("/results/2/status").asText()).isEqualTo("OUTSIDE_MAX_AGE");
        assertThat(ours.at("/table_versions/driver-stats").asLong())
                .isEqualTo(ours.at("/table_version").asLong());

        JsonNode byService = ok(server.post(
                "/v1/features/online",
                "{\"feature_service\": \"driver-activity\", "
                        + "\"entities\": [{\"driver_id\": 1010}, {\"driver_id\": 4242}]}"));
        JsonNode feastService = ok(server.post(
                "/get-online-features",
                "{\"feature_service\": \"driver-activity\", " + "\"entities\": {\"driver_id\": [1010, 4242]}}"));
        List<String> names = new ArrayList<>();
        byService.path("features").forEach(n -> names.add(n.asText()));
        assertThat(names)
                .isEqualTo(names(feastService).subList(1, names(feastService).size()));
        for (String name : names) {
            assertThat(byService.at("/results/0/features/" + name))
                    .as(name)
                    .isEqualTo(column(feastService, name).at("/values/0"));
        }
        assertThat(byService.at("/results/1/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(byService.path("table_versions").size()).isEqualTo(2);

        DemoServer.Reply both = server.post(
                "/v1/features/online",
                "{\"feature_view\": \"driver-stats\", "
                        + "\"feature_service\": \"driver-activity\", \"entities\": [{\"driver_id\": 1010}]}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().at("/error/message").asText()).contains("either 'feature_view'");
        DemoServer.Reply missing = server.post(
                "/v1/features/online",
                "{\"feature_view\": \"driver-stats\", "
                        + "\"features\": [\"conv_rate_plus_val1\"], \"entities\": [{\"driver_id\": 1010}]}");
        assertThat(missing.json().at("/error/code").asText()).isEqualTo(ErrorCode.MISSING_REQUEST_DATA.name());
    }

    @Test
    void requestDataArrivesAsThePythonServerOrTheGoServerTakesIt() {
        String features = "\"features\": [\"driver-stats:conv_rate\", \"driver-stats:conv_rate_plus_val1\", "
                + "\"driver-stats:conv_rate_plus_val2\"]";
        JsonNode python = ok(
                server.post(
                        "/get-online-features",
                        "{" + features + ", \"entities\": "
                                + "{\"driver_id\": [1010, 1011, 1001], \"val_to_add\": [1, 2, 3], \"val_to_add_2\": [10, 20, 30]}}"));
        JsonNode go = ok(server.post(
                "/get-online-features",
                "{" + features + ", \"entities\": "
                        + "{\"driver_id\": [1010, 1011, 1001]}, \"request_context\": {\"val_to_add\": [1, 2, 3], "
                        + "\"val_to_add_2\": [10, 20, 30]}}"));
        for (JsonNode answer : List.of(python, go)) {
            JsonNode convRate = column(answer, "conv_rate");
            JsonNode plus1 = column(answer, "conv_rate_plus_val1");
            JsonNode plus2 = column(answer, "conv_rate_plus_val2");
            for (int e = 0; e < 2; e++) {
                // float32 widened to double in CEL: exactly the float's value plus the integer.
                double rate = (double) convRate.at("/values/" + e).floatValue();
                assertThat(plus1.at("/values/" + e).doubleValue()).isEqualTo(rate + (e + 1));
                assertThat(plus2.at("/values/" + e).doubleValue()).isEqualTo(rate + 10 * (e + 1));
                assertThat(plus1.at("/event_timestamps/" + e)).isEqualTo(convRate.at("/event_timestamps/" + e));
            }
            assertThat(plus1.at("/statuses/2").asText()).isEqualTo("OUTSIDE_MAX_AGE");
            assertThat(plus1.at("/values/2").isNull()).isTrue();
        }
        assertThat(column(python, "conv_rate_plus_val1").path("values"))
                .isEqualTo(column(go, "conv_rate_plus_val1").path("values"));

        DemoServer.Reply missing = server.post(
                "/get-online-features",
                "{" + features + ", \"entities\": " + "{\"driver_id\": [1010], \"val_to_add\": [1]}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/code").asText()).isEqualTo(ErrorCode.MISSING_REQUEST_DATA.name());
        assertThat(missing.json().at("/error/message").asText()).contains("val_to_add_2");
        DemoServer.Reply wrongType = server.post(
                "/get-online-features",
                "{" + features + ", \"entities\": "
                        + "{\"driver_id\": [1010], \"val_to_add\": [\"one\"], \"val_to_add_2\": [2]}}");
        assertThat(wrongType.status()).as(wrongType.text()).isEqualTo(400);
        assertThat(wrongType.json().at("/error/message").asText()).contains("val_to_add");
    }

    @Test
    void theGoServersStatusParameterAndFeastsVersionMetadata() {
        String body = "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": {\"driver_id\": [1010]}, "
                + "\"include_feature_view_version_metadata\": true}";
        JsonNode plain = ok(server.post("/get-online-features?status=false", body));
        assertThat(plain.at("/results/1").has("statuses")).isFalse();
        assertThat(plain.at("/results/1").has("event_timestamps")).isFalse();
        assertThat(plain.at("/results/1/values/0").isNumber()).isTrue();
        JsonNode full = ok(server.post("/get-online-features?status=true", body));
        assertThat(full.at("/results/1/statuses/0").asText()).isEqualTo("PRESENT");
        assertThat(full.at("/metadata/feature_view_metadata/0/name").asText()).isEqualTo("driver-stats");
        assertThat(full.at("/metadata/feature_view_metadata/0/version").asLong())
                .isEqualTo(full.at("/metadata/table_versions/driver-stats").asLong());
        assertThat(ok(server.post("/get-online-features", body.replace("true}", "false}")))
                        .at("/metadata")
                        .has("feature_view_metadata"))
                .isFalse();
        assertThat(server.post("/get-online-features?status=maybe", body).status())
                .isEqualTo(400);
    }

    @Test
    void historicalRetrievalComputesTheSameOnDemandFeaturesFromEachEntityRow() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant earlier = now.minus(Duration.ofHours(30));
        String rows = "[{\"driver_id\": 1010, \"event_timestamp\": \"" + now + "\", \"val_to_add\": 5, "
                + "\"val_to_add_2\": 7}, {\"driver_id\": 1011, \"event_timestamp\": \"" + earlier + "\", "
                + "\"val_to_add\": 100, \"val_to_add_2\": null}, {\"driver_id\": 4242, \"event_timestamp\": \"" + now
                + "\", \"val_to_add\": 1, \"val_to_add_2\": 1}]";
        JsonNode answer = ok(server.post(
                        "/v1/features/historical",
                        "{\"features\": [\"driver-stats:conv_rate\", "
                                + "\"driver-stats:conv_rate_plus_val1\", \"driver-stats:conv_rate_plus_val2\"], \"entity_rows\": "
                                + rows + "}"))
                .path("rows");
        JsonNode first = answer.get(0);
        assertThat(first.path("conv_rate_plus_val1").doubleValue())
                .isEqualTo((double) first.path("conv_rate").floatValue() + 5);
        assertThat(first.path("conv_rate_plus_val2").doubleValue())
                .isEqualTo((double) first.path("conv_rate").floatValue() + 7);
        // As of its own time, from its own row; a null request value gives a null feature, as online.
        JsonNode second = answer.get(1);
        assertThat(second.path("conv_rate_plus_val1").doubleValue())
                .isEqualTo((double) second.path("conv_rate").floatValue() + 100);
        assertThat(second.path("conv_rate_plus_val2").isNull()).isTrue();
        assertThat(answer.get(2).path("conv_rate_plus_val1").isNull())
                .as("no such driver")
                .isTrue();

        // Online, now, with the same request data: the same value.
        JsonNode online = ok(server.post(
                "/get-online-features",
                "{\"features\": [\"driver-stats:conv_rate_plus_val1\"], "
                        + "\"entities\": {\"driver_id\": [1010], \"val_to_add\": [5]}}"));
        assertThat(column(online, "conv_rate_plus_val1").at("/values/0").doubleValue())
                .isEqualTo(first.path("conv_rate_plus_val1").doubleValue());

        DemoServer.Reply missing = server.post(
                "/v1/features/historical",
                "{\"features\": "
                        + "[\"driver-stats:conv_rate_plus_val1\"], \"entity_rows\": [{\"driver_id\": 1010, \"event_timestamp\": \""
                        + now + "\"}]}");
        assertThat(missing.status()).as(missing.text()).isEqualTo(400);
        assertThat(missing.json().at("/error/code").asText()).isEqualTo(ErrorCode.MISSING_REQUEST_DATA.name());
    }
}
