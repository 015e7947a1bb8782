package io.featureduck.dataplane.grpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import com.google.protobuf.WireFormat;
import feast.proto.serving.ServingAPIProto.FeatureList;
import feast.proto.serving.ServingAPIProto.FieldStatus;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponse.FeatureVector;
import feast.proto.serving.ServingAPIProto.GetOnlineFeaturesResponseMetadata;
import feast.proto.types.ValueProto.RepeatedValue;
import feast.proto.types.ValueProto.Value;
import io.featureduck.dataplane.lookup.AnswerFeature;
import io.featureduck.dataplane.lookup.FeaturePlan;
import io.featureduck.dataplane.lookup.OnlineAnswer;
import io.featureduck.dataplane.online.ByteSink;
import io.featureduck.dataplane.online.FeatureColumn;
import io.featureduck.dataplane.online.LookupStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Writes an {@link OnlineAnswer} as the wire bytes of Feast's {@code GetOnlineFeaturesResponse} straight from the
 * index columns: no {@code Value}, {@code Timestamp} or {@code FeatureVector} object and no boxed value per feature
 * and entity. The bytes are the ones protobuf itself writes for that message (fields in number order, statuses
 * packed), so any Feast client reads them. Values of list and date features, and of on-demand features, which have
 * no fixed-width or stored form to copy, still become {@code Value}s through {@link FeastValues}.
 *
 * <p>Protobuf prefixes every nested message with its length, so the answer is sized before it is written: a first
 * pass computes the size of each value, time and vector (and refuses an answer over the response budget before any
 * byte is written), the second writes them into an array of exactly that size. Each view's event time is sized once
 * per entity and shared by the view's features.
 */
final class ProtoAnswerWriter {
    private static final int RESULTS = GetOnlineFeaturesResponse.RESULTS_FIELD_NUMBER;
    private static final int VALUES = FeatureVector.VALUES_FIELD_NUMBER;
    private static final int STATUSES = FeatureVector.STATUSES_FIELD_NUMBER;
    private static final int TIMES = FeatureVector.EVENT_TIMESTAMPS_FIELD_NUMBER;
    private static final int NAME = FeatureList.VAL_FIELD_NUMBER;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    /** How a feature's values are written: from its column by type, or as a {@code Value} message. */
    private enum Kind {
        DOUBLE,
        FLOAT,
        INT64,
        INT32,
        BOOL,
        TIMESTAMP,
        STRING,
        BYTES,
        MESSAGE
    }

    /** What is constant per plan: the features' names as {@code FeatureList} entries, and each feature's kind. */
    private record Encoded(byte[] featureNames, Kind[] kinds) {}

    /** Feast's status number of each LookupStatus, by ordinal: the statuses share their names. */
    private static final byte[] STATUS_NUMBERS = new byte[LookupStatus.values().length];

    static {
        for (LookupStatus status : LookupStatus.values()) {
            STATUS_NUMBERS[status.ordinal()] =
                    (byte) FieldStatus.valueOf(status.feastName()).getNumber();
        }
    }

    private static final byte PRESENT = STATUS_NUMBERS[LookupStatus.PRESENT.ordinal()];

    private final ProtoColumns entities;
    private final OnlineAnswer answer;
    private final Kind[] kinds;
    private final int count;
    /** Event time of each view slot and entity: whole seconds, nanoseconds, and the encoded Timestamp's size. */
    private final long[] seconds;

    private final int[] nanos;
    private final int[] timeSizes;
    /** By feature and entity: the Feast status number, and the Value of a MESSAGE feature. */
    private final byte[] statuses;

    private final Value[] messages;

    private ProtoAnswerWriter(ProtoColumns entities, OnlineAnswer answer, Kind[] kinds) {
        this.entities = entities;
        this.answer = answer;
        this.kinds = kinds;
        this.count = answer.entities();
        int slots = answer.viewCount();
        this.seconds = new long[slots * count];
        this.nanos = new int[slots * count];
        this.timeSizes = new int[slots * count];
        this.statuses = new byte[kinds.length * count];
        this.messages = hasMessages(kinds) ? new Value[kinds.length * count] : null;
    }

    /**
     * The answer's response message, serialized; {@code checkSize} is given its size first and throws to refuse it.
     */
    static byte[] write(ProtoColumns entities, OnlineAnswer answer, LongConsumer checkSize) {
        Encoded encoded = answer.plan().encoded(ProtoAnswerWriter.class, ProtoAnswerWriter::encode);
        ProtoAnswerWriter writer = new ProtoAnswerWriter(entities, answer, encoded.kinds());
        long namesSize = encoded.featureNames().length;
        for (String name : entities.names()) {
            namesSize += CodedOutputStream.computeStringSize(NAME, name);
        }
        long metadataSize = delimited(GetOnlineFeaturesResponseMetadata.FEATURE_NAMES_FIELD_NUMBER, namesSize);
        long[] vectorSizes = writer.sizeVectors();
        long total = delimited(GetOnlineFeaturesResponse.METADATA_FIELD_NUMBER, metadataSize);
        for (long size : vectorSizes) {
            total += delimited(RESULTS, size);
        }
        checkSize.accept(total);
        byte[] bytes = new byte[Math.toIntExact(total)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            startDelimited(out, GetOnlineFeaturesResponse.METADATA_FIELD_NUMBER, metadataSize);
            startDelimited(out, GetOnlineFeaturesResponseMetadata.FEATURE_NAMES_FIELD_NUMBER, namesSize);
            for (String name : entities.names()) {
                out.writeString(NAME, name);
            }
            out.writeRawBytes(encoded.featureNames());
            writer.writeVectors(out, vectorSizes);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            // The array was sized for exactly these bytes: running out of it is a sizing bug, not a client's error.
            throw new UncheckedIOException("the answer did not fill the " + total + " bytes it was sized for", e);
        }
        return bytes;
    }

    private static Encoded encode(FeaturePlan plan) {
        List<AnswerFeature> features = plan.features();
        Kind[] kinds = new Kind[features.size()];
        int size = 0;
        for (int f = 0; f < kinds.length; f++) {
            kinds[f] = kind(features.get(f));
            size += CodedOutputStream.computeStringSize(NAME, features.get(f).outputName());
        }
        byte[] names = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(names);
        try {
            for (AnswerFeature feature : features) {
                out.writeString(NAME, feature.outputName());
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Encoded(names, kinds);
    }

    private static Kind kind(AnswerFeature feature) {
        if (feature.isComputed()) {
            return Kind.MESSAGE;
        }
        return switch (feature.type()) {
            case FLOAT64 -> Kind.DOUBLE;
            case FLOAT32 -> Kind.FLOAT;
            case INT64 -> Kind.INT64;
            case INT32 -> Kind.INT32;
            case BOOL -> Kind.BOOL;
            case TIMESTAMP -> Kind.TIMESTAMP;
            case STRING -> Kind.STRING;
            case BYTES -> Kind.BYTES;
            default -> Kind.MESSAGE;
        };
    }

    private static boolean hasMessages(Kind[] kinds) {
        for (Kind kind : kinds) {
            if (kind == Kind.MESSAGE) {
                return true;
            }
        }
        return false;
    }

    /** Sizes every result vector (entity columns, then features), noting statuses, times and messages on the way. */
    private long[] sizeVectors() {
        for (int slot = 0; slot < answer.viewCount(); slot++) {
            for (int e = 0; e < count; e++) {
                int at = slot * count + e;
                if (answer.rowFound(slot, e)) {
                    long micros = answer.rowEventMicros(slot, e);
                    seconds[at] = Math.floorDiv(micros, MICROS_PER_SECOND);
                    nanos[at] = (int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000;
                    timeSizes[at] = timeSize(seconds[at], nanos[at]);
                }
            }
        }
        long[] sizes = new long[entities.names().size() + kinds.length];
        int vector = 0;
        for (String name : entities.names()) {
            long size = statusesSize();
            for (Value value : entities.column(name).getValList()) {
                // Feast's clients read a status and a time for every value, entity columns included.
                size += CodedOutputStream.computeMessageSize(VALUES, value) + delimited(TIMES, 0);
            }
            sizes[vector++] = size;
        }
        for (int f = 0; f < kinds.length; f++) {
            int slot = answer.features().get(f).viewSlot();
            FeatureColumn column = storedColumn(f);
            long size = statusesSize();
            for (int e = 0; e < count; e++) {
                LookupStatus status = answer.status(f, e);
                statuses[f * count + e] = STATUS_NUMBERS[status.ordinal()];
                size += delimited(VALUES, status == LookupStatus.PRESENT ? valueSize(column, f, e) : 0)
                        + delimited(TIMES, timeSizes[slot * count + e]);
            }
            sizes[vector++] = size;
        }
        return sizes;
    }

    private void writeVectors(CodedOutputStream out, long[] sizes) throws IOException {
        ByteSink raw = out::write;
        int vector = 0;
        for (String name : entities.names()) {
            startDelimited(out, RESULTS, sizes[vector++]);
            RepeatedValue column = entities.column(name);
            for (Value value : column.getValList()) {
                out.writeMessage(VALUES, value);
            }
            writeStatuses(out, null, 0);
            for (int e = 0; e < count; e++) {
                startDelimited(out, TIMES, 0);
            }
        }
        for (int f = 0; f < kinds.length; f++) {
            startDelimited(out, RESULTS, sizes[vector++]);
            FeatureColumn column = storedColumn(f);
            for (int e = 0; e < count; e++) {
                if (statuses[f * count + e] == PRESENT) {
                    startDelimited(out, VALUES, valueSize(column, f, e));
                    writeValue(out, raw, column, f, e);
                } else {
                    startDelimited(out, VALUES, 0);
                }
            }
            writeStatuses(out, statuses, f * count);
            int slot = answer.features().get(f).viewSlot();
            for (int e = 0; e < count; e++) {
                int at = slot * count + e;
                startDelimited(out, TIMES, timeSizes[at]);
                if (seconds[at] != 0) {
                    out.writeInt64(Timestamp.SECONDS_FIELD_NUMBER, seconds[at]);
                }
                if (nanos[at] != 0) {
                    out.writeInt32(Timestamp.NANOS_FIELD_NUMBER, nanos[at]);
                }
            }
        }
    }

    /** Feast's statuses are a packed field: one length, then a one-byte number per entity. */
    private long statusesSize() {
        return count == 0 ? 0 : delimited(STATUSES, count);
    }

    /** Writes the packed statuses from {@code numbers} at {@code from}, or all PRESENT when {@code numbers} is null. */
    private void writeStatuses(CodedOutputStream out, byte[] numbers, int from) throws IOException {
        if (count == 0) {
            return;
        }
        startDelimited(out, STATUSES, count);
        for (int e = 0; e < count; e++) {
            out.writeRawByte(numbers == null ? PRESENT : numbers[from + e]);
        }
    }

    /** The stored column feature {@code f} reads; null for a computed (on-demand or aggregated) feature. */
    private FeatureColumn storedColumn(int f) {
        return answer.features().get(f).isComputed() ? null : answer.column(f);
    }

    /** The size of the Value of a PRESENT feature value, read from {@code column} unless it is a MESSAGE. */
    private int valueSize(FeatureColumn column, int f, int e) {
        Kind kind = kinds[f];
        if (kind == Kind.MESSAGE) {
            Value value = messages[f * count + e];
            if (value == null) {
                value = FeastValues.of(
                        answer.value(f, e), answer.features().get(f).type());
                messages[f * count + e] = value;
            }
            return value.getSerializedSize();
        }
        int row = answer.row(f, e);
        return switch (kind) {
            case DOUBLE -> CodedOutputStream.computeDoubleSize(Value.DOUBLE_VAL_FIELD_NUMBER, 0);
            case FLOAT -> CodedOutputStream.computeFloatSize(Value.FLOAT_VAL_FIELD_NUMBER, 0);
            case INT64 -> CodedOutputStream.computeInt64Size(Value.INT64_VAL_FIELD_NUMBER, column.bits(row));
            case INT32 -> CodedOutputStream.computeInt32Size(Value.INT32_VAL_FIELD_NUMBER, (int) column.bits(row));
            case BOOL -> CodedOutputStream.computeBoolSize(Value.BOOL_VAL_FIELD_NUMBER, true);
            case TIMESTAMP ->
                CodedOutputStream.computeInt64Size(
                        Value.UNIX_TIMESTAMP_VAL_FIELD_NUMBER, Math.floorDiv(column.bits(row), MICROS_PER_SECOND));
            case STRING -> (int) delimited(Value.STRING_VAL_FIELD_NUMBER, column.byteLength(row));
            case BYTES -> (int) delimited(Value.BYTES_VAL_FIELD_NUMBER, column.byteLength(row));
            case MESSAGE -> throw new IllegalStateException("sized above");
        };
    }

    private void writeValue(CodedOutputStream out, ByteSink raw, FeatureColumn column, int f, int e)
            throws IOException {
        if (kinds[f] == Kind.MESSAGE) {
            messages[f * count + e].writeTo(out);
            return;
        }
        int row = answer.row(f, e);
        switch (kinds[f]) {
            case DOUBLE -> out.writeDouble(Value.DOUBLE_VAL_FIELD_NUMBER, Double.longBitsToDouble(column.bits(row)));
            case FLOAT -> out.writeFloat(Value.FLOAT_VAL_FIELD_NUMBER, Float.intBitsToFloat((int) column.bits(row)));
            case INT64 -> out.writeInt64(Value.INT64_VAL_FIELD_NUMBER, column.bits(row));
            case INT32 -> out.writeInt32(Value.INT32_VAL_FIELD_NUMBER, (int) column.bits(row));
            case BOOL -> out.writeBool(Value.BOOL_VAL_FIELD_NUMBER, column.bits(row) != 0);
            case TIMESTAMP ->
                out.writeInt64(
                        Value.UNIX_TIMESTAMP_VAL_FIELD_NUMBER, Math.floorDiv(column.bits(row), MICROS_PER_SECOND));
            case STRING, BYTES -> {
                startDelimited(
                        out,
                        kinds[f] == Kind.STRING ? Value.STRING_VAL_FIELD_NUMBER : Value.BYTES_VAL_FIELD_NUMBER,
                        column.byteLength(row));
                column.bytes(row, raw);
            }
            case MESSAGE -> throw new IllegalStateException("written above");
        }
    }

    /** The size of a Timestamp message: protobuf leaves out fields at zero. */
    private static int timeSize(long seconds, int nanos) {
        return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(Timestamp.SECONDS_FIELD_NUMBER, seconds))
                + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(Timestamp.NANOS_FIELD_NUMBER, nanos));
    }

    /** The size of a length-delimited field of {@code size} bytes of content. */
    private static long delimited(int field, long size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(size) + size;
    }

    private static void startDelimited(CodedOutputStream out, int field, long size) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(Math.toIntExact(size));
    }
}
