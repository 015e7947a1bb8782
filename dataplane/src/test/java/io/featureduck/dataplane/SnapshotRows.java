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
import java.util.List;
import java.util.Map;

/** Every row of a table version as DuckDB reads it through {@link SnapshotRelation}, in a comparable form. */
public final class SnapshotRows {
    private SnapshotRows() {
    }

    public static List<Map<String, Object>> read(TableSnapshot snapshot, List<Path> readable) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), readable);
             Statement statement = session.connection().createStatement()) {
            new SnapshotRelation(snapshot).register(session, "source");
            try (ResultSet rs = statement.executeQuery("SELECT * FROM source")) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        Object comparable;
                        try {
                            comparable = ComparableValues.of(value);
                        } catch (IllegalArgumentException nested) {
                            comparable = String.valueOf(value);
                        }
                        row.put(meta.getColumnName(i), comparable);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
