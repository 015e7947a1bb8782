package io.featureduck.dataplane.online;

import java.io.IOException;

/** Receives stored bytes in place: a range of a column's page, which the receiver neither keeps nor changes. */
@FunctionalInterface
public interface ByteSink {
    void write(byte[] bytes, int offset, int length) throws IOException;
}
