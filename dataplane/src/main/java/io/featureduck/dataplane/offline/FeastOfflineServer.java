package io.featureduck.dataplane.offline;

import io.featureduck.dataplane.auth.AccessControl;
import io.featureduck.dataplane.config.DataPlaneConfig;
import io.featureduck.dataplane.error.Redaction;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.metrics.DataPlaneMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Feast's remote offline store protocol (Arrow Flight) on its own port, Feast's 8815 by default, over TLS with the API
 * port's certificate when that is HTTPS. Every call is authenticated as the other protocols are, with the bearer token
 * Feast's client sends; see {@link FeastOfflineProducer} for what it answers.
 */
public final class FeastOfflineServer implements AutoCloseable {
    private final BufferAllocator allocator = new RootAllocator();
    private final FlightServer server;

    /** Starts listening. */
    public FeastOfflineServer(
            DataPlaneConfig config,
            HistoricalRetrieval retrieval,
            AccessControl access,
            Redaction redaction,
            DataPlaneMetrics metrics) {
        FeastOfflineProducer producer = new FeastOfflineProducer(
                allocator,
                retrieval,
                access,
                redaction,
                metrics,
                config.maxHistoricalBodyBytes(),
                config.maxConcurrentHistorical());
        try {
            FlightServer.Builder builder = FlightServer.builder(
                            allocator,
                            config.tls().isPresent()
                                    ? Location.forGrpcTls(config.host(), config.offlinePort())
                                    : Location.forGrpcInsecure(config.host(), config.offlinePort()),
                            producer)
                    .middleware(FeastOfflineProducer.BEARER, new BearerMiddleware.Factory());
            if (config.tls().isPresent()) {
                builder.useTls(
                        config.tls().get().certificate().toFile(),
                        config.tls().get().key().toFile());
            }
            server = builder.build().start();
        } catch (IOException e) {
            allocator.close();
            throw new UncheckedIOException(
                    "cannot listen for Feast's offline store protocol on port " + config.offlinePort(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Stops accepting calls and waits up to {@code grace} for those in flight. */
    public void stop(Duration grace) {
        server.shutdown();
        try {
            server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            allocator.close();
        }
    }
}
