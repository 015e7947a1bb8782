package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.ondemand.OnDemandLimits;
import io.featureduck.dataplane.values.FeatureValues;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBDataChunkReader;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBReadableVector;
import org.duckdb.DuckDBScalarFunctionBuilder;
import org.duckdb.DuckDBWritableVector;

/**
 * On-demand features in a historical query: each becomes a DuckDB scalar function that evaluates the very
 * {@link OnDemandFeature} the online path evaluates, on every entity row, so online and offline compute the same value
 * from the same inputs. Inputs cross into Java in simple forms (numbers, booleans, text; times as epoch microseconds,
 * bytes as base64, lists as the JSON text of {@link StoredForm}) and results come back the same way, then are cast to
 * the feature's declared type.
 */
final class OnDemandColumns {
    private final DuckDbSession session;
    private final OnDemandLimits limits;
    private int registered;
    /** The first budget an entity row exhausted: the query fails, and this is why (DuckDB only passes on text). */
    private final AtomicReference<FeatureDuckException> exhausted = new AtomicReference<>();

    OnDemandColumns(DuckDbSession session, OnDemandLimits limits) {
        this.session = session;
        this.limits = limits;
    }

    /** Why the query failed inside an on-demand feature, if it did: an entity row that exhausted its budget. */
    Optional<FeatureDuckException> failure() {
        return Optional.ofNullable(exhausted.get());
    }

    /** One input of a function call: its SQL, its declared type, and the DuckDB type the SQL holds (may be null). */
    record Input(String name, String sql, ValueType type, String columnType) {}

    /**
     * Registers {@code feature} as a function of {@code features} (its stored inputs, in the order of
     * {@link OnDemandFeature#features()}) and {@code request} (its request fields, in the order of
     * {@link OnDemandFeature#requestFields()}), and returns the SQL of its value.
     */
    String call(OnDemandFeature feature, List<Input> features, List<Input> request) throws SQLException {
        String name = "__fd_od" + registered++;
        List<Input> inputs = new ArrayList<>(features);
        inputs.addAll(request);
        try (DuckDBScalarFunctionBuilder function = DuckDBFunctions.scalarFunction()) {
            function.withName(name);
            for (Input input : inputs) {
                function.withParameter(parameterType(input.type()));
            }
            function.withReturnType(parameterType(feature.type()))
                    .withVectorizedFunction((chunk, out) -> {
                        try {
                            evaluate(feature, features.size(), inputs, chunk, out, limits);
                        } catch (FeatureDuckException e) {
                            exhausted.compareAndSet(null, e);
                            throw e;
                        }
                    })
                    .register(session.connection());
        }
        List<String> arguments = inputs.stream().map(OnDemandColumns::inputSql).toList();
        return outputSql(name + "(" + String.join(", ", arguments) + ")", feature.type());
    }

    /** Each entity row has a budget of its own, as one online request has. */
    private static void evaluate(
            OnDemandFeature feature,
            int storedInputs,
            List<Input> inputs,
            DuckDBDataChunkReader chunk,
            DuckDBWritableVector out,
            OnDemandLimits limits) {
        DuckDBReadableVector[] vectors = new DuckDBReadableVector[inputs.size()];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = chunk.vector(i);
        }
        Map<String, Object> stored = new HashMap<>();
        Map<String, Object> request = new HashMap<>();
        for (long row = 0; row < chunk.rowCount(); row++) {
            stored.clear();
            request.clear();
            for (int i = 0; i < vectors.length; i++) {
                Input input = inputs.get(i);
                (i < storedInputs ? stored : request).put(input.name(), read(vectors[i], row, input.type()));
            }
            write(out, row, feature.evaluate(stored::get, request::get, limits.budget()), feature.type());
        }
    }

    private static DuckDBColumnType parameterType(ValueType type) {
        if (type.isList()) {
            return DuckDBColumnType.VARCHAR;
        }
        return switch (type) {
            case INT32 -> DuckDBColumnType.INTEGER;
            case INT64, TIMESTAMP -> DuckDBColumnType.BIGINT;
            case FLOAT32 -> DuckDBColumnType.FLOAT;
            case FLOAT64 -> DuckDBColumnType.DOUBLE;
            case BOOL -> DuckDBColumnType.BOOLEAN;
            default -> DuckDBColumnType.VARCHAR;
        };
    }

    /** The SQL that turns an input's value into the form its parameter takes. */
    private static String inputSql(Input input) {
        String column = input.columnType() == null ? "" : input.columnType().toUpperCase(Locale.ROOT);
        String sql = input.sql();
        if (input.type().isList()) {
            return StoredForm.feature(sql, input.type());
        }
        return switch (input.type()) {
            case STRING -> "CAST(" + sql + " AS VARCHAR)";
            case INT32 -> "CAST(" + sql + " AS INTEGER)";
            case INT64 -> "CAST(" + sql + " AS BIGINT)";
            case FLOAT32 -> "CAST(" + sql + " AS FLOAT)";
            case FLOAT64 -> "CAST(" + sql + " AS DOUBLE)";
            case BOOL -> "CAST(" + sql + " AS BOOLEAN)";
            // Request data in entity rows may be epoch seconds, as Feast's clients send timestamps online.
            case TIMESTAMP ->
                PointInTimeQuery.isInteger(column)
                        ? "epoch_us(to_timestamp(" + sql + "))"
                        : "epoch_us(CAST(" + sql + " AS TIMESTAMPTZ))";
            // Bytes in JSON or CSV entity rows are base64 text already, as the online API takes them.
            case BYTES -> column.equals("VARCHAR") ? sql : "to_base64(CAST(" + sql + " AS BLOB))";
            default -> throw new IllegalArgumentException(input.type().wireName() + " is not an on-demand input type");
        };
    }

    /** The SQL that turns the function's result into the feature's declared type. */
    private static String outputSql(String call, ValueType type) {
        if (type == ValueType.BYTES_LIST) {
            return "list_transform(CAST(CAST(" + call + " AS JSON) AS VARCHAR[]), lambda b: from_base64(b))";
        }
        if (type.isList()) {
            return "CAST(CAST(" + call + " AS JSON) AS " + DuckDbTypes.of(type) + ")";
        }
        return switch (type) {
            case TIMESTAMP -> "CAST(make_timestamp(" + call + ") AS TIMESTAMPTZ)";
            case BYTES -> "from_base64(" + call + ")";
            default -> call;
        };
    }

    private static Object read(DuckDBReadableVector vector, long row, ValueType type) {
        if (vector.isNull(row)) {
            return null;
        }
        if (type.isList()) {
            return FeatureValues.list(vector.getString(row), type.elementType());
        }
        return switch (type) {
            case STRING -> vector.getString(row);
            case INT32 -> vector.getInt(row);
            case INT64 -> vector.getLong(row);
            case FLOAT32 -> vector.getFloat(row);
            case FLOAT64 -> vector.getDouble(row);
            case BOOL -> vector.getBoolean(row);
            case TIMESTAMP -> {
                long micros = vector.getLong(row);
                yield Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
            }
            case BYTES -> Base64.getDecoder().decode(vector.getString(row));
            default -> throw new IllegalArgumentException(type.wireName() + " is not an on-demand input type");
        };
    }

    private static void write(DuckDBWritableVector out, long row, Object value, ValueType type) {
        if (value == null) {
            out.setNull(row);
            return;
        }
        if (type.isList()) {
            out.setString(row, FeatureValues.listJson((List<?>) value));
            return;
        }
        switch (type) {
            case STRING -> out.setString(row, (String) value);
            case INT32 -> out.setInt(row, (Integer) value);
            case INT64 -> out.setLong(row, (Long) value);
            case FLOAT32 -> out.setFloat(row, (Float) value);
            case FLOAT64 -> out.setDouble(row, (Double) value);
            case BOOL -> out.setBoolean(row, (Boolean) value);
            case TIMESTAMP -> {
                Instant instant = (Instant) value;
                out.setLong(
                        row,
                        Math.addExact(
                                Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000));
            }
            case BYTES -> out.setString(row, Base64.getEncoder().encodeToString((byte[]) value));
            default -> throw new IllegalArgumentException(type.wireName() + " is not an on-demand output type");
        }
    }
}
