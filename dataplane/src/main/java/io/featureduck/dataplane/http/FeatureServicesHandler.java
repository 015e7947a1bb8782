package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.FeatureServiceDefinition;
import io.featureduck.dataplane.config.ServingConfig;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /v1/feature-services}: the feature services served here and the features each stands for, listing only
 * the services whose every view the caller may describe.
 */
final class FeatureServicesHandler implements Handler<RoutingContext> {
    private final Supplier<ServingConfig> serving;
    private final ObjectMapper json;

    FeatureServicesHandler(Supplier<ServingConfig> serving, ObjectMapper json) {
        this.serving = serving;
        this.json = json;
    }

    /** One service as listed. */
    record Listed(String name, List<String> features) {}

    @Override
    public void handle(RoutingContext ctx) {
        Grant grant = Authentication.grant(ctx);
        List<Listed> services = serving.get().services().stream()
                .filter(service -> service.features().stream().allMatch(ref -> grant.allows(ref.view())))
                .map(FeatureServicesHandler::listed)
                .toList();
        try {
            ctx.response()
                    .putHeader("content-type", "application/json")
                    .end(Buffer.buffer(json.writeValueAsBytes(Map.of("feature_services", services))));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    private static Listed listed(FeatureServiceDefinition service) {
        return new Listed(
                service.name(),
                service.features().stream().map(FeatureRef::toString).toList());
    }
}
