package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.serving.ServedView;
import io.featureduck.dataplane.serving.ViewRefresher;
import io.featureduck.dataplane.serving.ViewRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v1/views} and {@code GET /v1/views/{name}}: what each view is (schema, entities, source) and what this
 * pod serves of it (state, table version, entities loaded, when, last error). The operator reads this for status.
 */
final class ViewsHandler {
    private final ViewRegistry registry;
    private final JsonFactory json;

    ViewsHandler(ViewRegistry registry, JsonFactory json) {
        this.registry = registry;
        this.json = json;
    }

    void list(RoutingContext ctx) {
        List<ServedView> views = registry.views();
        send(ctx, out -> {
            out.writeStartObject();
            // A serving file that changed but cannot be used: the previous configuration is still what is served.
            out.writeStringField("configuration_error", registry.configurationError().orElse(null));
            out.writeArrayFieldStart("views");
            for (ServedView view : views) {
                write(out, view);
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }

    void one(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ServedView view = registry.view(name).orElseThrow(() -> new ApiException(404, "UNKNOWN_FEATURE_VIEW",
                "feature view '" + name + "' is not served here; GET /v1/views lists the views"));
        send(ctx, out -> write(out, view));
    }

    private interface Body {
        void write(JsonGenerator out) throws IOException;
    }

    private void send(RoutingContext ctx, Body body) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
        ctx.response().putHeader("content-type", "application/json").end(Buffer.buffer(bytes.toByteArray()));
    }

    private static void write(JsonGenerator out, ServedView served) throws IOException {
        // The definition of the index being served: after a change, the new definition shows once its index serves.
        ViewDefinition view = served.index().map(OnlineIndex::view).orElse(served.definition());
        out.writeStartObject();
        out.writeStringField("name", view.name());
        out.writeStringField("state", served.state().name());
        out.writeObjectFieldStart("source");
        out.writeStringField("format", view.format().wireName());
        out.writeStringField("path", view.location().toString());
        out.writeStringField("timestamp_column", view.timestampColumn());
        out.writeStringField("created_timestamp_column", view.createdTimestampColumn());
        out.writeEndObject();
        out.writeArrayFieldStart("entities");
        for (EntitySpec entity : view.entities()) {
            out.writeStartObject();
            out.writeStringField("name", entity.name());
            out.writeStringField("type", entity.type().wireName());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeArrayFieldStart("features");
        for (FeatureSpec feature : view.features()) {
            out.writeStartObject();
            out.writeStringField("name", feature.name());
            out.writeStringField("type", feature.type().wireName());
            if (feature.hasExpression()) {
                out.writeStringField("expression", feature.expression());
            }
            out.writeEndObject();
        }
        out.writeEndArray();
        if (view.ttl().isPresent()) {
            out.writeNumberField("ttl_seconds", view.ttl().get().toSeconds());
        } else {
            out.writeNullField("ttl_seconds");
        }
        out.writeBooleanField("online", view.online());
        if (served.index().isPresent()) {
            OnlineIndex index = served.index().get();
            out.writeNumberField("table_version", index.tableVersion());
            out.writeNumberField("data_age_seconds", index.dataAgeSeconds(System.currentTimeMillis()));
            out.writeStringField("table_committed_at", index.tableCommitTime().toString());
            out.writeNumberField("rows", index.sourceRows());
            out.writeNumberField("entities_loaded", index.size());
            out.writeStringField("loaded_at", index.loadedAt().toString());
            out.writeNumberField("index_value_bytes", index.rawValueBytes());
        } else {
            out.writeNullField("table_version");
            out.writeNullField("rows");
            out.writeNullField("entities_loaded");
            out.writeNullField("loaded_at");
        }
        if (served.lastLoadTime().isPresent()) {
            out.writeNumberField("load_millis", served.lastLoadTime().get().toMillis());
        }
        out.writeNumberField("refresh_interval_seconds", served.definition().refreshInterval()
                .orElse(ViewRefresher.DEFAULT_INTERVAL).toSeconds());
        out.writeStringField("last_checked_at", served.lastCheckedAt().map(Object::toString).orElse(null));
        out.writeStringField("last_error", served.lastError().orElse(null));
        out.writeStringField("last_error_at", served.lastErrorAt().map(Object::toString).orElse(null));
        out.writeNumberField("consecutive_failures", served.failures());
        out.writeStringField("next_retry_at", served.retryAt().map(Object::toString).orElse(null));
        // Serving, but from an older version than the table has: its latest load or refresh failed.
        out.writeBooleanField("degraded", served.index().isPresent() && served.lastError().isPresent());
        out.writeEndObject();
    }
}
