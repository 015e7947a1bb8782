package io.featureduck.dataplane.values;

import com.dslplatform.json.JsonWriter;
import com.dslplatform.json.NumberConverter;
import java.nio.charset.StandardCharsets;

/**
 * Feature values written into an online answer, straight into the response bytes: numbers are formatted in place
 * (DSL-JSON's converters) where a general-purpose generator builds a String per double, which was the largest cost
 * and allocation of a 50-feature answer. One rule per type, shared by every JSON answer.
 *
 * <p>Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, as
 * Jackson writes them, since JSON has no literal for them; a negative zero keeps its sign.
 */
public final class JsonValues {
    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    private JsonValues() {}

    public static void writeDouble(double value, JsonWriter out) {
        if (!Double.isFinite(value)) {
            out.writeString(Double.toString(value));
        } else if (Double.doubleToRawLongBits(value) == NEGATIVE_ZERO) {
            out.writeAscii("-0.0");
        } else {
            NumberConverter.serialize(value, out);
        }
    }

    public static void writeFloat(float value, JsonWriter out) {
        if (!Float.isFinite(value)) {
            out.writeString(Float.toString(value));
        } else if (Float.floatToRawIntBits(value) == Float.floatToRawIntBits(-0.0f)) {
            out.writeAscii("-0.0");
        } else {
            NumberConverter.serialize(value, out);
        }
    }

    public static void writeLong(long value, JsonWriter out) {
        NumberConverter.serialize(value, out);
    }

    public static void writeBoolean(boolean value, JsonWriter out) {
        out.writeAscii(value ? TRUE : FALSE);
    }

    /** A string held as UTF-8 bytes, quoted; copied as it is unless it has characters JSON must escape. */
    public static void writeUtf8(byte[] utf8, int offset, int length, JsonWriter out) {
        for (int i = offset; i < offset + length; i++) {
            byte b = utf8[i];
            // Control characters, the quote and the backslash are the only bytes JSON escapes; UTF-8 never uses
            // them inside a multi-byte character.
            if ((b >= 0 && b < 0x20) || b == '"' || b == '\\') {
                out.writeString(new String(utf8, offset, length, StandardCharsets.UTF_8));
                return;
            }
        }
        out.writeByte(JsonWriter.QUOTE);
        out.writeRaw(utf8, offset, length);
        out.writeByte(JsonWriter.QUOTE);
    }

    /** Bytes as a base64 string, as Feast's HTTP servers show them. */
    public static void writeBase64(byte[] bytes, JsonWriter out) {
        out.writeBinary(bytes);
    }

    /** JSON text held as UTF-8 bytes (list values DuckDB rendered at load), copied as it is. */
    public static void writeRawJson(byte[] json, int offset, int length, JsonWriter out) {
        out.writeRaw(json, offset, length);
    }
}
