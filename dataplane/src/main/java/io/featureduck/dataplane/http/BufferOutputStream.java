package io.featureduck.dataplane.http;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;

/**
 * Lets Jackson's generator write straight into the Vert.x buffer that becomes the response, so a response body is
 * copied once (from the generator's recycled chunk) instead of through an intermediate byte array.
 */
final class BufferOutputStream extends OutputStream {
    private final Buffer buffer;

    BufferOutputStream(int initialSize) {
        this.buffer = Buffer.buffer(initialSize);
    }

    Buffer buffer() {
        return buffer;
    }

    @Override
    public void write(int b) {
        buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        buffer.appendBytes(bytes, offset, length);
    }
}
