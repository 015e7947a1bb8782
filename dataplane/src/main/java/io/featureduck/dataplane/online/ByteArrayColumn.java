package io.featureduck.dataplane.online;

import com.dslplatform.json.JsonWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A column of variable-length values, packed: the bytes of all values lie back to back in large pages, and each row
 * holds one {@code long} locating its value (page, offset, length). An array per value would cost an object header
 * and a reference on top of the bytes, more than the value itself for short strings.
 *
 * <p>Values are appended while the index is built; a row written twice (an incremental refresh replacing a value)
 * points at its new bytes, and the old ones stay unused until the next refresh copies the column.
 */
abstract class ByteArrayColumn implements FeatureColumn {
    private static final long NULL = -1;
    private static final int LENGTH_BITS = 24;
    private static final int MAX_LENGTH = (1 << LENGTH_BITS) - 1;
    private static final int PAGE_BITS = 26;
    private static final int PAGE_BYTES = 1 << PAGE_BITS;
    private static final int FIRST_PAGE_BYTES = 1 << 12;

    private final long[] refs;
    private byte[][] pages = new byte[0][];
    /** Bytes used in the last page. */
    private int used = PAGE_BYTES;
    private long valueBytes;

    ByteArrayColumn(int rows) {
        refs = new long[rows];
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

    private long append(byte[] value, int offset, int length) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("a value of " + length + " bytes is over the " + MAX_LENGTH
                    + "-byte limit of a served feature value");
        }
        if (used + length > lastPageCapacity()) {
            grow(length);
        }
        byte[] page = pages[pages.length - 1];
        System.arraycopy(value, offset, page, used, length);
        long ref = ((long) (pages.length - 1) << (PAGE_BITS + LENGTH_BITS)) | ((long) used << LENGTH_BITS) | length;
        used += length;
        valueBytes += length;
        return ref;
    }

    private int lastPageCapacity() {
        return pages.length == 0 ? 0 : pages[pages.length - 1].length;
    }

    /**
     * Makes room for {@code length} more bytes: the last page doubles up to the page size (a small column stays
     * small), then a new page starts; a page is never shared by two columns while it can still grow.
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

    private static int page(long ref) {
        return (int) (ref >>> (PAGE_BITS + LENGTH_BITS));
    }

    private static int offset(long ref) {
        return (int) ((ref >>> LENGTH_BITS) & (PAGE_BYTES - 1));
    }

    private static int length(long ref) {
        return (int) (ref & MAX_LENGTH);
    }

    @Override
    public final long touch(int row) {
        long ref = refs[row];
        return ref == NULL ? 0 : pages[page(ref)][offset(ref)];
    }

    @Override
    public final boolean isNull(int row) {
        return refs[row] == NULL;
    }

    @Override
    public final Object value(int row) {
        long ref = refs[row];
        return ref == NULL ? null : value(pages[page(ref)], offset(ref), length(ref));
    }

    @Override
    public final void writeJson(int row, JsonWriter json) {
        long ref = refs[row];
        if (ref == NULL) {
            json.writeNull();
        } else {
            writeValue(pages[page(ref)], offset(ref), length(ref), json);
        }
    }

    @Override
    public final void copyFrom(FeatureColumn source, int rows) {
        // Copied value by value: the successor starts without the bytes of values its predecessor replaced.
        ByteArrayColumn from = (ByteArrayColumn) source;
        for (int row = 0; row < rows; row++) {
            long ref = from.refs[row];
            refs[row] = ref == NULL ? NULL : append(from.pages[page(ref)], offset(ref), length(ref));
        }
    }

    @Override
    public final long valueBytes() {
        return valueBytes;
    }
}
