package io.featureduck.dataplane.http;

/**
 * Network and request limits of one data-plane process.
 *
 * @param host             interface to bind
 * @param port             HTTP port
 * @param maxBatchEntities most entities one online request may ask for
 * @param maxBodyBytes     largest online request body accepted
 * @param maxHistoricalBodyBytes largest historical request (entity rows) accepted; it streams to disk, not memory
 */
public record DataPlaneOptions(String host, int port, int maxBatchEntities, long maxBodyBytes,
                               long maxHistoricalBodyBytes) {
    public static final long DEFAULT_MAX_HISTORICAL_BODY_BYTES = 4L << 30;
}
