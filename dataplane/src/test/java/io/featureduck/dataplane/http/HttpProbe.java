package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A plain JDK HTTP client for a data plane on loopback. */
final class HttpProbe {
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    HttpProbe(int port) {
        this(port, null);
    }

    /** A client that sends {@code Authorization: Bearer <token>} with every request it builds. */
    HttpProbe(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    /** A request to {@code path}, with the token if this client has one. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        return token == null ? request : request.header("authorization", "Bearer " + token);
    }

    String base() {
        return base;
    }

    DemoServer.Reply post(String path, String body) {
        return send(request(path)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    DemoServer.Reply get(String path) {
        return send(request(path).GET().build());
    }

    DemoServer.Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (response.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
                json = DemoServer.JSON.readTree(response.body());
            }
            return new DemoServer.Reply(response.statusCode(), json, response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
