package io.featureduck.dataplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.auth.Grant;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.FeatureServiceDefinition;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.error.Redaction;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /v1/feature-services}: the feature services served here and the features each stands for, listing only
 * the services whose every view the caller may describe; and, under {@code refused}, those of the configuration that
 * are not served, each with why.
 */
final class FeatureServicesHandler implements Handler<RoutingContext> {
    private final Supplier<ServingConfig> serving;
    private final ObjectMapper json;
    private final Redaction redaction;

    FeatureServicesHandler(Supplier<ServingConfig> serving, ObjectMapper json, Redaction redaction) {
        this.serving = serving;
        this.json = json;
        this.redaction = redaction;
    }

    /** One service as listed. */
    record Listed(String name, List<String> features) {}

    /** A service of the configuration that is not served, and why. */
    record Refused(String name, String reason) {}

    /** The answer: the services served, then those refused. */
    record Listing(
            @com.fasterxml.jackson.annotation.JsonProperty("feature_services")
            List<Listed> featureServices,

            List<Refused> refused) {}

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
                    .end(Buffer.buffer(json.writeValueAsBytes(new Listing(
                            services,
                            serving.get().refusedServices().entrySet().stream()
                                    .map(e -> new Refused(e.getKey(), redaction.apply(e.getValue())))
                                    .toList()))));
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
