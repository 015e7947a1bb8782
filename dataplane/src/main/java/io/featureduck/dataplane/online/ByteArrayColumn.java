package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A column of variable-length values, packed: the values lie back to back in large pages, each its length (a varint)
 * then its bytes, and each row holds one {@code int}, its value's position (an unsigned byte position across the
 * pages, so a column holds up to 4 GiB). An array per value would cost an object header and a reference on top of
 * the bytes, more than the value itself for short strings; a length prefix of one byte (values under 128 bytes)
 * costs less than the four a length in the row would.
 *
 * <p>Values are appended while the index is built; a row written twice (an incremental refresh replacing a value)
 * points at its new bytes, and the old ones stay unused until the next refresh copies the column.
 */
abstract class ByteArrayColumn implements FeatureColumn {
    private static final int NULL = -1;
    private static final int MAX_LENGTH = (1 << 24) - 1;
    /** The last position a value may start at: the next would be {@link #NULL}. */
    private static final long MAX_POSITION = 0xFFFF_FFFEL;

    private static final int PAGE_BITS = 26;
    private static final int PAGE_BYTES = 1 << PAGE_BITS;
    private static final int FIRST_PAGE_BYTES = 1 << 12;

    private final int[] refs;
    private byte[][] pages = new byte[0][];
    /** Bytes used in the last page. */
    private int used = PAGE_BYTES;

    private long valueBytes;

    ByteArrayColumn(int rows) {
        refs = new int[rows];
        Arrays.fill(refs, NULL);
    }

    /** The current result-set value's bytes, or null. */
    abstract byte[] fetch(ResultSet rs, int column) throws SQLException;

    abstract Object value(byte[] page, int offset, int length);

    abstract void writeValue(byte[] page, int offset, int length, JsonWriter json);

    @Override
    public final void read(ResultSet rs, int column, int row) throws SQLException {
        byte[] value = fetch(rs, column);
        if (refs[row] != NULL) {
            valueBytes -= length(refs[row]);
        }
        refs[row] = value == null ? NULL : append(value, 0, value.length);
    }

    private int append(byte[] value, int offset, int length) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("a value of " + length + " bytes is over the " + MAX_LENGTH
                    + "-byte limit of a served feature value");
        }
        int stored = prefixBytes(length) + length;
        if (used + stored > lastPageCapacity()) {
            grow(stored);
        }
        long position = ((long) (pages.length - 1) << PAGE_BITS) | used;
        if (position > MAX_POSITION) {
            throw new IllegalArgumentException("a string or bytes column may hold up to 4 GiB of values: split the"
                    + " view's features over several views");
        }
        byte[] page = pages[pages.length - 1];
        for (int rest = length; ; rest >>>= 7) {
            if (rest < 0x80) {
                page[used++] = (byte) rest;
                break;
            }
            page[used++] = (byte) (rest & 0x7F | 0x80);
        }
        System.arraycopy(value, offset, page, used, length);
        used += length;
        valueBytes += length;
        return (int) position;
    }

    private static int prefixBytes(int length) {
        return length < 1 << 7 ? 1 : length < 1 << 14 ? 2 : length < 1 << 21 ? 3 : 4;
    }

    private int lastPageCapacity() {
        return pages.length == 0 ? 0 : pages[pages.length - 1].length;
    }

    /**
     * Makes room for {@code length} more bytes: the last page doubles up to the page size (a small column stays
     * small), then a new page starts, so a value never spans two pages.
     */
    private void grow(int length) {
        int last = pages.length - 1;
        if (last >= 0 && pages[last].length < PAGE_BYTES && used + length <= PAGE_BYTES) {
            int size = Math.max(pages[last].length, FIRST_PAGE_BYTES);
            while (size < used + length) {
                size = Math.min(PAGE_BYTES, size * 2);
            }
            pages[last] = Arrays.copyOf(pages[last], size);
            return;
        }
        pages = Arrays.copyOf(pages, pages.length + 1);
        pages[pages.length - 1] = new byte[Math.max(length, last < 0 ? FIRST_PAGE_BYTES : PAGE_BYTES)];
        used = 0;
    }

    /** The last page, grown by doubling while filling, is cut to the bytes it holds. */
    @Override
    public final void seal() {
        if (pages.length > 0 && used < pages[pages.length - 1].length) {
            pages[pages.length - 1] = Arrays.copyOf(pages[pages.length - 1], used);
        }
    }

    private byte[] page(int ref) {
        return pages[ref >>> PAGE_BITS];
    }

    /** Where the value's length starts in its page. */
    private static int start(int ref) {
        return ref & (PAGE_BYTES - 1);
    }

    private int length(int ref) {
        byte[] page = page(ref);
        int at = start(ref);
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = page[at++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                return length;
            }
        }
    }

    /** Where the value's bytes start in its page. */
    private static int offset(int ref, int length) {
        return start(ref) + prefixBytes(length);
    }

    @Override
    public final long touch(int row) {
        int ref = refs[row];
        return ref == NULL ? 0 : page(ref)[start(ref)];
    }

    @Override
    public final boolean isNull(int row) {
        return refs[row] == NULL;
    }

    @Override
    public final Object value(int row) {
        int ref = refs[row];
        if (ref == NULL) {
            return null;
        }
        int length = length(ref);
        return value(page(ref), offset(ref, length), length);
    }

    @Override
    public final void writeJson(int row, JsonWriter json) {
        int ref = refs[row];
        if (ref == NULL) {
            json.writeNull();
        } else {
            int length = length(ref);
            writeValue(page(ref), offset(ref, length), length, json);
        }
    }

    @Override
    public final int byteLength(int row) {
        return length(refs[row]);
    }

    @Override
    public final void bytes(int row, ByteSink sink) throws IOException {
        int ref = refs[row];
        int length = length(ref);
        sink.write(page(ref), offset(ref, length), length);
    }

    @Override
    public final void copyFrom(FeatureColumn source, int rows) {
        // Copied value by value: the successor starts without the bytes of values its predecessor replaced.
        ByteArrayColumn from = (ByteArrayColumn) source;
        for (int row = 0; row < rows; row++) {
            int ref = from.refs[row];
            if (ref == NULL) {
                refs[row] = NULL;
            } else {
                int length = from.length(ref);
                refs[row] = append(from.page(ref), offset(ref, length), length);
            }
        }
    }

    @Override
    public final void copyRow(FeatureColumn source, int from, int to) {
        ByteArrayColumn column = (ByteArrayColumn) source;
        int ref = column.refs[from];
        if (ref == NULL) {
            putNull(to);
        } else {
            int length = column.length(ref);
            store(to, column.page(ref), offset(ref, length), length);
        }
    }

    @Override
    public final void putBytes(int row, byte[] value) {
        store(row, value, 0, value.length);
    }

    private void store(int row, byte[] value, int offset, int length) {
        if (refs[row] != NULL) {
            valueBytes -= length(refs[row]);
        }
        refs[row] = append(value, offset, length);
    }

    @Override
    public final void putNull(int row) {
        if (refs[row] != NULL) {
            valueBytes -= length(refs[row]);
        }
        refs[row] = NULL;
    }

    @Override
    public final long valueBytes() {
        return valueBytes;
    }
}
