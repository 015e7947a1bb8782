package io.featureduck.dataplane.http;

/**
 * Network and request limits of one data-plane process.
 *
 * @param host             interface to bind
 * @param port             HTTP port
 * @param maxBatchEntities most entities one online request may ask for
 * @param maxBodyBytes     largest request body accepted
 */
public record DataPlaneOptions(String host, int port, int maxBatchEntities, long maxBodyBytes) {
}
