package io.featureduck.dataplane.historical;

/** A historical request that cannot be answered as asked: unknown view or feature, missing columns. */
public class HistoricalRequestException extends RuntimeException {
    public HistoricalRequestException(String message) {
        super(message);
    }
}
