package io.featureduck.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two baselines the benchmark measures FeatureDuck against, on the same Vert.x stack:
 * <ul>
 *   <li>{@code POST /floor/{n}}: reads the body and returns a fixed, pre-recorded response of the size FeatureDuck
 *       returns for {@code n} entities. Nothing can serve that request faster on this stack: the HTTP floor.</li>
 *   <li>{@code POST /get-online-features}: Feast's request and response, the values read from a local Redis with one
 *       hash per entity (fields {@code view:feature} and {@code _ts:view}), as Feast's and Tecton's online stores
 *       keep them; one pipelined HMGET per entity.</li>
 * </ul>
 * and, on {@code core-port}, the same floor answered by Vert.x core alone (no Router, no BodyHandler): what the HTTP
 * server itself costs, the part of the floor no route can avoid.
 * Usage: {@code BaselineServer <port> <redis-port> <floor-dir> <core-port>} where floor-dir holds
 * {@code floor-<n>.json}.
 */
public final class BaselineServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int redisPort = Integer.parseInt(args[1]);
        Path floorDir = Path.of(args[2]);
        int corePort = Integer.parseInt(args[3]);
        Map<String, Buffer> floors = new LinkedHashMap<>();
        try (var files = Files.list(floorDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("floor-"))
                    .toList()) {
                String n = file.getFileName().toString().replace("floor-", "").replace(".json", "");
                floors.put(n, Buffer.buffer(Files.readAllBytes(file)));
            }
        }
        Vertx vertx = Vertx.vertx();
        RedisAPI redis = RedisAPI.api(Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString("redis://127.0.0.1:" + redisPort)
                        .setMaxPoolSize(64)
                        .setMaxPoolWaiting(4096)));
        Router router = Router.router(vertx);
        router.post("/floor/:n").handler(BodyHandler.create(false)).handler(ctx -> {
            Buffer body = floors.get(ctx.pathParam("n"));
            ctx.response().putHeader("content-type", "application/json").end(body);
        });
        router.post("/get-online-features").handler(BodyHandler.create(false)).handler(ctx -> redisLookup(ctx, redis));
        vertx.createHttpServer(new HttpServerOptions()
                        .setPort(port)
                        .setHost("127.0.0.1")
                        .setTcpNoDelay(true))
                .requestHandler(router)
                .listen()
                .onSuccess(s -> System.out.println("baselines listening on " + s.actualPort()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
        vertx.createHttpServer(new HttpServerOptions()
                        .setPort(corePort)
                        .setHost("127.0.0.1")
                        .setTcpNoDelay(true))
                .requestHandler(request -> request.body().onSuccess(ignored -> {
                    Buffer body =
                            floors.get(request.path().substring(request.path().lastIndexOf('/') + 1));
                    if (body == null) {
                        request.response().setStatusCode(404).end();
                    } else {
                        request.response()
                                .putHeader("content-type", "application/json")
                                .end(body);
                    }
                }))
                .listen()
                .onSuccess(s -> System.out.println("core floor listening on " + s.actualPort()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    private static void redisLookup(RoutingContext ctx, RedisAPI redis) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body().buffer().getBytes());
        } catch (IOException e) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        List<String> refs = new ArrayList<>();
        body.get("features").forEach(f -> refs.add(f.asText()));
        Map.Entry<String, JsonNode> entityColumn =
                body.get("entities").properties().iterator().next();
        JsonNode ids = entityColumn.getValue();
        List<String> views = refs.stream()
                .map(r -> r.substring(0, r.indexOf(':')))
                .distinct()
                .toList();
        List<String> fields = new ArrayList<>(refs);
        views.forEach(v -> fields.add("_ts:" + v));
        List<Future<Response>> lookups = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            List<String> args = new ArrayList<>(fields.size() + 1);
            args.add("e:" + id.asLong());
            args.addAll(fields);
            lookups.add(redis.hmget(args));
        }
        Future.all(lookups)
                .onSuccess(done -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end(Buffer.buffer(render(entityColumn.getKey(), ids, refs, views, lookups))))
                .onFailure(e -> ctx.response().setStatusCode(503).end());
    }

    private static byte[] render(
            String keyName, JsonNode ids, List<String> refs, List<String> views, List<Future<Response>> lookups) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeObjectFieldStart("metadata");
            out.writeArrayFieldStart("feature_names");
            out.writeString(keyName);
            for (String ref : refs) {
                out.writeString(ref.substring(ref.indexOf(':') + 1));
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeArrayFieldStart("results");
            out.writeStartObject();
            out.writeFieldName("values");
            out.writeTree(ids);
            out.writeArrayFieldStart("statuses");
            for (int e = 0; e < ids.size(); e++) {
                out.writeString("PRESENT");
            }
            out.writeEndArray();
            out.writeArrayFieldStart("event_timestamps");
            for (int e = 0; e < ids.size(); e++) {
                out.writeString("1970-01-01T00:00:00Z");
            }
            out.writeEndArray();
            out.writeEndObject();
            for (int f = 0; f < refs.size(); f++) {
                String view = refs.get(f).substring(0, refs.get(f).indexOf(':'));
                int tsField = refs.size() + views.indexOf(view);
                out.writeStartObject();
                out.writeArrayFieldStart("values");
                for (Future<Response> lookup : lookups) {
                    Response value = lookup.result().get(f);
                    if (value == null) {
                        out.writeNull();
                    } else {
                        out.writeNumber(value.toString());
                    }
                }
                out.writeEndArray();
                out.writeArrayFieldStart("statuses");
                for (Future<Response> lookup : lookups) {
                    out.writeString(lookup.result().get(f) == null ? "NOT_FOUND" : "PRESENT");
                }
                out.writeEndArray();
                out.writeArrayFieldStart("event_timestamps");
                for (Future<Response> lookup : lookups) {
                    Response ts = lookup.result().get(tsField);
                    out.writeString(ts == null ? "1970-01-01T00:00:00Z" : ts.toString());
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private BaselineServer() {}
}
