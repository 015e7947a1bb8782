package io.featureduck.dataplane.http;

import io.featureduck.dataplane.lookup.OnlineViews;
import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;

/**
 * Lets Jackson's generator write straight into the Vert.x buffer that becomes the response, so a response body is
 * copied once (from the generator's recycled chunk) instead of through an intermediate byte array. The buffer never
 * grows past {@code limit}: a small request cannot make the pod build an answer a thousand times its size.
 */
final class BufferOutputStream extends OutputStream {
    private final Buffer buffer;
    private final long limit;

    BufferOutputStream(long initialSize, long limit) {
        this.buffer = Buffer.buffer((int) Math.min(initialSize, Math.min(limit, 1 << 20)));
        this.limit = limit;
    }

    Buffer buffer() {
        return buffer;
    }

    @Override
    public void write(int b) {
        reserve(1);
        buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        reserve(length);
        buffer.appendBytes(bytes, offset, length);
    }

    private void reserve(int bytes) {
        if (buffer.length() + (long) bytes > limit) {
            throw OnlineViews.responseTooLarge(limit);
        }
    }
}
