package io.featureduck.dataplane;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a whole Delta table through Delta Kernel's own Parquet reader, deletion vectors and column mapping applied
 * by Kernel: an implementation independent of the DuckDB path under test, used as the expected answer.
 * Primitive columns only; values in {@link ComparableValues} form.
 */
public final class KernelReferenceReader {
    private KernelReferenceReader() {}

    public static List<Map<String, Object>> readAll(Engine engine, Path table) throws Exception {
        return read(engine, TableManager.loadSnapshot(table.toUri().toString()).build(engine));
    }

    /** The rows of one version of the table, through Kernel's own time travel. */
    public static List<Map<String, Object>> readVersion(Engine engine, Path table, long version) throws Exception {
        return read(
                engine,
                TableManager.loadSnapshot(table.toUri().toString())
                        .atVersion(version)
                        .build(engine));
    }

    private static List<Map<String, Object>> read(Engine engine, Snapshot snapshot) throws Exception {
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType logical = ScanStateRow.getLogicalSchema(scanState);
        StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
                    while (scanFiles.hasNext()) {
                        Row scanFile = scanFiles.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
                        CloseableIterator<ColumnarBatch> physicalData = engine.getParquetHandler()
                                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty())
                                .map(FileReadResult::getData);
                        try (CloseableIterator<FilteredColumnarBatch> data =
                                Scan.transformPhysicalData(engine, scanState, scanFile, physicalData)) {
                            while (data.hasNext()) {
                                try (CloseableIterator<Row> dataRows =
                                        data.next().getRows()) {
                                    while (dataRows.hasNext()) {
                                        rows.add(toMap(dataRows.next(), logical));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static Map<String, Object> toMap(Row row, StructType schema) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < schema.length(); i++) {
            StructField field = schema.at(i);
            DataType type = field.getDataType();
            if (!isPrimitive(type)) {
                continue;
            }
            values.put(field.getName(), row.isNullAt(i) ? null : ComparableValues.of(read(row, i, type)));
        }
        return values;
    }

    private static Object read(Row row, int i, DataType type) {
        if (type instanceof BooleanType) return row.getBoolean(i);
        if (type instanceof ByteType) return row.getByte(i);
        if (type instanceof ShortType) return row.getShort(i);
        if (type instanceof IntegerType) return row.getInt(i);
        if (type instanceof LongType) return row.getLong(i);
        if (type instanceof FloatType) return row.getFloat(i);
        if (type instanceof DoubleType) return row.getDouble(i);
        if (type instanceof StringType) return row.getString(i);
        if (type instanceof DecimalType) return row.getDecimal(i);
        if (type instanceof DateType) return LocalDate.ofEpochDay(row.getInt(i));
        if (type instanceof TimestampType || type instanceof TimestampNTZType) {
            return new ComparableValues.Micros(row.getLong(i));
        }
        throw new IllegalArgumentException(type.toString());
    }

    public static boolean isPrimitive(DataType type) {
        return type instanceof BooleanType
                || type instanceof ByteType
                || type instanceof ShortType
                || type instanceof IntegerType
                || type instanceof LongType
                || type instanceof FloatType
                || type instanceof DoubleType
                || type instanceof StringType
                || type instanceof DecimalType
                || type instanceof DateType
                || type instanceof TimestampType
                || type instanceof TimestampNTZType;
    }
}
