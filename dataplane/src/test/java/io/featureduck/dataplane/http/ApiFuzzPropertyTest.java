package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.demo.DemoLakehouse;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random valid, almost valid and hostile bodies on the online, Feast and historical routes of a real data plane:
 * never a 5xx, always the JSON error shape for a refusal, and the heap and thread count bounded at the end.
 */
class ApiFuzzPropertyTest {
    private static final String TOKEN = "fuzz-token";
    private static Path directory;
    private static DemoServer server;
    private static HttpProbe http;
    private static int threadsAtStart;
    private static final List<String> FAILURES = new ArrayList<>();

    @BeforeContainer
    static void start() throws Exception {
        directory = Files.createTempDirectory("featureduck-fuzz");
        Path tokens = Files.writeString(directory.resolve("tokens"), TOKEN + "\n");
        server = new DemoServer(
                directory.resolve("lake"),
                100,
                "auth: {type: bearer, tokenSecretName: t}",
                b -> b.authTokenFile(tokens));
        http = new HttpProbe(server.dataPlane.port(), TOKEN);
        // Pools start their threads lazily: one request of each kind first, so that growth means a leak.
        for (int i = 0; i < 3; i++) {
            check("/v1/features/online", "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": 1}]}");
            check(
                    "/get-online-features",
                    "{\"features\": [\"driver-stats:conv_rate\"], \"entities\": " + "{\"driver_id\": [1]}}");
            check(
                    "/v1/features/historical",
                    "{\"features\": [\"driver-stats:conv_rate\"], \"entity_rows\": "
                            + "[{\"driver_id\": 1, \"event_timestamp\": \"2030-01-01T00:00:00Z\"}]}");
            check("/v1/features/historical", "{");
        }
        threadsAtStart = ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @AfterContainer
    static void stop() {
        try {
            assertThat(FAILURES).as("5xx answers or malformed errors").isEmpty();
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            long used = runtime.totalMemory() - runtime.freeMemory();
            assertThat(used).as("heap in use after the fuzzing").isLessThan(512L << 20);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount())
                    .as("threads")
                    .isLessThan(threadsAtStart + 20);
        } finally {
            server.close();
        }
    }

    private static void check(String route, String body) {
        DemoServer.Reply reply = http.send(http.request(route)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        boolean jsonError = reply.status() < 400
                || reply.json() != null && reply.json().at("/error/code").isTextual();
        if (reply.status() >= 500 || !jsonError) {
            synchronized (FAILURES) {
                FAILURES.add(route + " " + reply.status() + " " + reply.text() + " <- " + body);
            }
        }
        assertThat(reply.status()).as("%s <- %s: %s", route, body, reply.text()).isLessThan(500);
        assertThat(jsonError).as("%s <- %s: %s", route, body, reply.text()).isTrue();
    }

    @Property(tries = 300)
    void onlineRoute(@ForAll("onlineBodies") String body) {
        check("/v1/features/online", body);
    }

    @Property(tries = 300)
    void feastRoute(@ForAll("feastBodies") String body) {
        check("/get-online-features", body);
    }

    @Property(tries = 150)
    void historicalRoute(@ForAll("historicalBodies") String body) {
        check("/v1/features/historical", body);
    }

    @Provide
    Arbitrary<String> onlineBodies() {
        Arbitrary<String> entity = Combinators.combine(keyNames(), keyValues()).as((k, v) -> "{" + k + ": " + v + "}");
        Arbitrary<String> valid = Combinators.combine(viewNames(), entity.list().ofMaxSize(5), featureLists())
                .as((view, entities, features) ->
                        "{\"feature_view\": " + view + ", \"entities\": " + entities + features + "}");
        return Arbitraries.oneOf(valid, mutated(valid), anyJson(), garbage());
    }

    @Provide
    Arbitrary<String> feastBodies() {
        Arbitrary<String> column =
                Combinators.combine(keyNames(), keyValues().list().ofMaxSize(4)).as((k, values) -> k + ": " + values);
        Arbitrary<String> valid = Combinators.combine(
                        refLists(),
                        column.list().ofMinSize(1).ofMaxSize(3),
                        Arbitraries.of("", ", \"full_feature_names\": true", ", \"full_feature_names\": \"yes\""))
                .as((refs, columns, full) ->
                        "{\"features\": " + refs + ", \"entities\": {" + String.join(", ", columns) + "}" + full + "}");
        return Arbitraries.oneOf(valid, mutated(valid), anyJson(), garbage());
    }

    @Provide
    Arbitrary<String> historicalBodies() {
        Arbitrary<String> row = Combinators.combine(keyNames(), keyValues(), timestamps(), extraColumns())
                .as((k, v, ts, extra) -> "{" + k + ": " + v + ", \"event_timestamp\": " + ts + extra + "}");
        Arbitrary<String> valid = Combinators.combine(
                        refLists(), row.list().ofMinSize(1).ofMaxSize(4))
                .as((refs, rows) -> "{\"features\": " + refs + ", \"entity_rows\": " + rows + "}");
        return Arbitraries.oneOf(valid, mutated(valid), anyJson(), garbage());
    }

    private static Arbitrary<String> viewNames() {
        return Arbitraries.of(
                "\"driver-stats\"",
                "\"driver-profile\"",
                "\"nope\"",
                "\"\"",
                "1",
                "null",
                "\"driver-stats\\u0000\"",
                "[\"driver-stats\"]");
    }

    private static Arbitrary<String> keyNames() {
        return Arbitraries.of(
                "\"driver_id\"",
                "\"driver_id\"",
                "\"conv_rate\"",
                "\"event_timestamp\"",
                "\"\"",
                "\"\\u0000\"",
                "\"a\\\"b\"",
                "\"x y\"",
                "\"DRIVER_ID\"",
                "\"rowid\"",
                "\"__proto__\"");
    }

    private static Arbitrary<String> keyValues() {
        long active = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
        return Arbitraries.oneOf(
                Arbitraries.longs().between(active, active + 100).map(String::valueOf),
                Arbitraries.of(
                        "9223372036854775807",
                        "-9223372036854775808",
                        "9223372036854775808",
                        "1e400",
                        "-0",
                        "1.5",
                        "\"1006\"",
                        "null",
                        "true",
                        "[]",
                        "{}",
                        "\"\\u0000\"",
                        "123456789012345678901234567890"));
    }

    private static Arbitrary<String> timestamps() {
        return Arbitraries.of(
                "\"2030-01-01T00:00:00Z\"",
                "\"2024-06-01 12:00:00\"",
                "\"99999-01-01T00:00:00Z\"",
                "\"0001-01-01T00:00:00Z\"",
                "\"-infinity\"",
                "\"infinity\"",
                "\"yesterday\"",
                "\"\"",
                "0",
                "253402300800000",
                "-1",
                "1e20",
                "null",
                "true",
                "\"2024-02-30T00:00:00Z\"");
    }

    private static Arbitrary<String> extraColumns() {
        return Arbitraries.of(
                "",
                ", \"label\": 1",
                ", \"conv_rate\": 0.5",
                ", \"\": 1",
                ", \"\\u0000\": 2",
                ", \"a\\\"; DROP TABLE x; --\": 3",
                ", \"driver_id\": 7",
                ", \"event_timestamp\": 1");
    }

    private static Arbitrary<String> featureLists() {
        return Arbitraries.of(
                "",
                ", \"features\": [\"conv_rate\"]",
                ", \"features\": [\"conv_rate\", \"conv_rate\"]",
                ", \"features\": []",
                ", \"features\": [\"nope\"]",
                ", \"features\": \"conv_rate\"",
                ", \"features\": [1]",
                ", \"features\": null");
    }

    private static Arbitrary<String> refLists() {
        Arbitrary<String> ref = Arbitraries.of(
                        "driver-stats:conv_rate",
                        "driver-stats:trips_per_hour",
                        "driver-profile:vehicle_type",
                        "driver-stats:nope",
                        "nope:x",
                        "conv_rate",
                        ":",
                        "a:b:c",
                        "driver-stats:",
                        "driver-stats:conv_rate\\u0000")
                .map(r -> "\"" + r + "\"");
        return ref.list().ofMaxSize(4).map(List::toString);
    }

    /** A valid body with a random cut, insertion or duplicated key. */
    private static Arbitrary<String> mutated(Arbitrary<String> valid) {
        return Combinators.combine(
                        valid,
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.of("", "}", "{", "]", ",", "\"", "\\", "\u0000", "null", "\"features\": [], "))
                .as((body, at, insert) -> {
                    int position = Math.min(at, body.length());
                    return body.substring(0, position) + insert + body.substring(position);
                });
    }

    private static Arbitrary<String> anyJson() {
        return Arbitraries.recursive(
                () -> Arbitraries.oneOf(
                        Arbitraries.integers().map(Object::toString),
                        Arbitraries.strings()
                                .ofMaxLength(8)
                                .map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""),
                        Arbitraries.of("null", "true", "1e308", "-1e308")),
                element -> Arbitraries.oneOf(
                        element.list().ofMaxSize(4).map(List::toString),
                        Combinators.combine(
                                        Arbitraries.of(
                                                "features",
                                                "entities",
                                                "feature_view",
                                                "entity_rows",
                                                "driver_id",
                                                "event_timestamp",
                                                ""),
                                        element)
                                .as((k, v) -> "{\"" + k + "\": " + v + "}")),
                4);
    }

    private static Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of(
                        "",
                        "{",
                        "[",
                        "{}",
                        "[]",
                        "{\"a\":1}{\"b\":2}",
                        "{\"features\": [\"driver-stats:conv_rate\"]} trailing",
                        "[".repeat(5000) + "]".repeat(5000)));
    }
}
