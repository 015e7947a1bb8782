package io.featureduck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The refresh benchmark's measuring side: appends {@code rows} rows (new event times and a marker value for existing
 * entities) to the benchmark table as one Delta commit, then polls a running data plane until a lookup of appended
 * entities answers from the new version with the marker, and prints the commit-to-visible time and the refresh that
 * the data plane reports.
 *
 * <p>Usage: {@code RefreshBench <table-dir> <rows> <entities> <data-plane-url> <view> <features>}
 */
public final class RefreshBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path table = Path.of(args[0]).toAbsolutePath();
        int rows = Integer.parseInt(args[1]);
        int entities = Integer.parseInt(args[2]);
        String url = args[3];
        String view = args[4];
        int features = Integer.parseInt(args[5]);
        HttpClient http = HttpClient.newHttpClient();
        long before = get(http, url + "/v1/views/" + view).path("table_version").asLong();

        long committed = append(table, rows, entities, features);
        long step = Math.max(1, entities / rows);
        long probe = (rows - 1) * step;
        String body = "{\"feature_view\": \"" + view + "\", \"entities\": [{\"entity_id\": " + probe + "}]}";
        while (true) {
            JsonNode reply = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(url + "/v1/features/online"))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            if (reply.path("table_version").asLong() > before
                    && reply.at("/results/0/features/f0").asDouble() == -1.0) {
                break;
            }
            Thread.sleep(20);
        }
        double visibleSeconds = (System.nanoTime() - committed) / 1e9;
        JsonNode served = get(http, url + "/v1/views/" + view);
        System.out.printf(
                "version %d -> %d: %d rows appended, visible online %.2f s after the commit; " + "refresh took %d ms%n",
                before,
                served.path("table_version").asLong(),
                rows,
                visibleSeconds,
                served.path("load_millis").asLong());
        System.out.printf(
                "RESULT\t%.3f\t%d%n", visibleSeconds, served.path("load_millis").asLong());
    }

    /**
     * Appends {@code rows} rows as one Delta commit: every (entities / rows)-th entity gets a row at the current time,
     * later than anything the table holds, with {@code -1.0} in every feature. Returns when it was committed.
     */
    static long append(Path table, int rows, int entities, int features) {
        StructType schema = new StructType()
                .add("entity_id", LongType.LONG, false)
                .add("event_timestamp", TimestampType.TIMESTAMP, false);
        StringBuilder columns = new StringBuilder();
        for (int f = 0; f < features; f++) {
            schema = schema.add("f" + f, DoubleType.DOUBLE);
            columns.append(", -1.0::DOUBLE AS f").append(f);
        }
        long step = Math.max(1, entities / rows);
        String select = "SELECT range * " + step + " AS entity_id, now()::TIMESTAMPTZ AS event_timestamp" + columns
                + " FROM range(0, " + rows + ")";
        DuckDbSettings settings = DuckDbSettings.defaults();
        try (DuckDbSession session =
                DuckDbSession.open(settings, List.of(table.getParent(), settings.tempDirectory()))) {
            new DeltaTableWriter(DefaultEngine.create(new Configuration()), table).append(session, select, schema);
            return System.nanoTime();
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        return JSON.readTree(
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    private RefreshBench() {}
}
