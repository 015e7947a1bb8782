package io.featureduck.dataplane;

import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.SnapshotRelation;
import io.featureduck.dataplane.source.TableSnapshot;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Every row of a table version as DuckDB reads it through {@link SnapshotRelation}, in a comparable form. */
public final class SnapshotRows {
    private SnapshotRows() {}

    public static List<Map<String, Object>> read(TableSnapshot snapshot, List<Path> readable) throws Exception {
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), readable)) {
            new SnapshotRelation(snapshot).register(session, "source");
            return rows(session, "SELECT * FROM source");
        }
    }

    /** Every row {@code sql} returns, in the same form: a reference read of files without FeatureDuck in between. */
    public static List<Map<String, Object>> query(List<Path> readable, String sql) throws Exception {
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), readable)) {
            return rows(session, sql);
        }
    }

    private static List<Map<String, Object>> rows(DuckDbSession session, String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), comparable(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Nested values compare by their text; bytes by their hex digits (an array's own text is its identity). */
    private static Object comparable(Object value) {
        try {
            return ComparableValues.of(value);
        } catch (IllegalArgumentException nested) {
            return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value);
        }
    }
}
