package io.featureduck.dataplane.offline;

import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Keeps a call's {@code authorization} header for the producer, which decides access per request (the views it
 * reads) as every other protocol of the data plane does. Feast's client sends {@code Bearer <token>} there.
 *
 * @param authorization the header, or null when the call has none
 */
record BearerMiddleware(String authorization) implements FlightServerMiddleware {
    static final class Factory implements FlightServerMiddleware.Factory<BearerMiddleware> {
        @Override
        public BearerMiddleware onCallStarted(CallInfo info, CallHeaders incoming, RequestContext context) {
            return new BearerMiddleware(incoming.get("authorization"));
        }
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoing) {}

    @Override
    public void onCallCompleted(CallStatus status) {}

    @Override
    public void onCallErrored(Throwable err) {}
}
