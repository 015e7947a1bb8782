package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.slots.KeySlots;
import io.featureduck.dataplane.slots.ShardLayout;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBReadableVector;
import org.duckdb.DuckDBScalarFunctionBuilder;

/**
 * The rows of one shard's slots, chosen inside DuckDB: a scalar function computes each row's slot from its key in
 * canonical form with {@link KeySlots} (the very hash requests are routed by), so a shard never copies another
 * shard's rows out of DuckDB.
 */
final class SlotFilter {
    private static final String FUNCTION = "__fd_slot";

    private SlotFilter() {}

    /**
     * Registers the slot function for {@code view}'s key types in {@code session} and returns a predicate over the
     * view's raw key columns that holds for the rows of {@code shard}'s slots.
     */
    static String predicate(DuckDbSession session, ViewDefinition view, ShardLayout shard) throws SQLException {
        List<EntitySpec> keys = view.entities();
        List<String> arguments = new ArrayList<>();
        boolean singleInteger =
                keys.size() == 1 && isInteger(keys.get(0).type()) && keys.get(0).type() != ValueType.BOOL;
        try (DuckDBScalarFunctionBuilder function = DuckDBFunctions.scalarFunction()) {
            function.withName(FUNCTION);
            for (EntitySpec key : keys) {
                boolean integer = isInteger(key.type());
                function.withParameter(integer ? DuckDBColumnType.BIGINT : DuckDBColumnType.VARCHAR);
                String canonical = StoredForm.key(Sql.quote(key.name()), key.type());
                arguments.add(
                        switch (key.type()) {
                            case BOOL -> "CAST(" + canonical + " AS BIGINT)";
                            case BYTES -> "to_base64(" + canonical + ")";
                            default -> canonical;
                        });
            }
            function.withReturnType(DuckDBColumnType.INTEGER)
                    .withVectorizedFunction((chunk, out) -> {
                        DuckDBReadableVector[] vectors = new DuckDBReadableVector[keys.size()];
                        for (int i = 0; i < vectors.length; i++) {
                            vectors[i] = chunk.vector(i);
                        }
                        List<Object> parts = new ArrayList<>(keys.size());
                        for (long row = 0; row < chunk.rowCount(); row++) {
                            if (anyNull(vectors, row)) {
                                // A row without a key is never served; LatestRows drops it either way.
                                out.setNull(row);
                                continue;
                            }
                            if (singleInteger) {
                                // The common key, hashed without boxing: this runs once per row of the table.
                                out.setInt(row, KeySlots.slot(vectors[0].getLong(row)));
                                continue;
                            }
                            if (keys.size() == 1) {
                                out.setInt(
                                        row,
                                        KeySlots.slot(read(
                                                vectors[0], row, keys.get(0).type())));
                                continue;
                            }
                            parts.clear();
                            for (int i = 0; i < vectors.length; i++) {
                                parts.add(read(vectors[i], row, keys.get(i).type()));
                            }
                            out.setInt(row, KeySlots.slot(parts));
                        }
                    })
                    .register(session.connection());
        }
        return FUNCTION + "(" + String.join(", ", arguments) + ") BETWEEN " + shard.firstSlot() + " AND "
                + (shard.endSlot() - 1);
    }

    private static boolean anyNull(DuckDBReadableVector[] vectors, long row) {
        for (DuckDBReadableVector vector : vectors) {
            if (vector.isNull(row)) {
                return true;
            }
        }
        return false;
    }

    /** Key types whose canonical form is a BIGINT (booleans are made one for the function). */
    private static boolean isInteger(ValueType type) {
        return switch (type) {
            case INT32, INT64, DATE, TIMESTAMP, BOOL -> true;
            default -> false;
        };
    }

    /** A key in the canonical form of {@code online/EntityKeys}. */
    private static Object read(DuckDBReadableVector vector, long row, ValueType type) {
        return switch (type) {
            case STRING -> vector.getString(row);
            case BOOL -> vector.getLong(row) != 0;
            case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(vector.getString(row)));
            default -> vector.getLong(row);
        };
    }
}
