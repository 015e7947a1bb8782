package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonWriter;
import io.featureduck.crds.ValueType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact forms of the index: integer keys in a table of row numbers, variable-length values packed in pages. */
class CompactStorageTest {

    @Test
    void integerKeysFindTheirRowsAndUnknownKeysFindNone() {
        Random random = new Random(7);
        int count = 50_000;
        EntityKeyIndex keys = EntityKeyIndex.create(true, count);
        Map<Long, Integer> expected = new HashMap<>();
        while (expected.size() < count) {
            long key = random.nextLong();
            if (!expected.containsKey(key)) {
                assertThat(keys.put(key, expected.size())).isTrue();
                expected.put(key, expected.size());
            }
        }
        assertThat(keys.put(expected.keySet().iterator().next(), 0))
                .as("a key already held")
                .isFalse();
        assertThat(keys.size()).isEqualTo(count);
        EntityKeyIndex copy = keys.copy(count + 10);
        assertThat(copy.put(42L, count)).isTrue();
        expected.forEach((key, row) -> {
            assertThat(keys.rowOf(key.longValue())).isEqualTo(row);
            assertThat(copy.rowOf((Object) key)).isEqualTo(row);
        });
        for (int i = 0; i < 10_000; i++) {
            long absent = random.nextLong();
            if (!expected.containsKey(absent)) {
                assertThat(keys.rowOf(absent)).isEqualTo(EntityKeyIndex.ABSENT);
            }
        }
        assertThat(keys.rowOf(42L))
                .as("the original is independent of its copy")
                .isEqualTo(EntityKeyIndex.ABSENT);
        assertThat(copy.keys()).hasSize(count + 1);
        // A copy for as many keys shares the table's layout (its arrays copied, no key rehashed) and is as independent.
        EntityKeyIndex sameSize = keys.copy(count);
        assertThat(sameSize.put(43L, count)).isTrue();
        expected.forEach(
                (key, row) -> assertThat(sameSize.rowOf(key.longValue())).isEqualTo(row));
        assertThat(sameSize.rowOf(43L)).isEqualTo(count);
        assertThat(keys.rowOf(43L))
                .as("the original is independent of its copy")
                .isEqualTo(EntityKeyIndex.ABSENT);
        assertThat(keys.size()).isEqualTo(count);
    }

    @Test
    void packedStringsKeepEveryValueAcrossPagesAndReplacements() throws Exception {
        int rows = 120_000;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            FeatureColumn column = FeatureColumn.create(ValueType.STRING, rows);
            // Values up to 1 KiB over 120k rows span several 64 MiB pages; some are null, some need escaping, some
            // are long enough for a length of three bytes.
            try (ResultSet rs = sql.executeQuery("SELECT CASE WHEN i % 97 = 0 THEN NULL WHEN i % 89 = 0 "
                    + "THEN 'q\"' || i WHEN i % 1009 = 0 THEN repeat('x', 20000) || i ELSE repeat('é', (i % 600)::INTEGER) || i END FROM range(0, "
                    + rows + ") t(i)")) {
                int row = 0;
                while (rs.next()) {
                    column.read(rs, 1, row++);
                }
            }
            column.seal();
            FeatureColumn successor = FeatureColumn.create(ValueType.STRING, rows);
            successor.copyFrom(column, rows);
            try (ResultSet rs = sql.executeQuery("SELECT 'replaced'")) {
                rs.next();
                successor.read(rs, 1, 5);
                successor.seal();
                // A sealed column still takes a value (its last page grows again).
                successor.read(rs, 1, 7);
            }
            JsonWriter json = new DslJson<>(new DslJson.Settings<>()).newWriter(64);
            for (int i = 0; i < rows; i++) {
                String expected = i % 97 == 0
                        ? null
                        : i % 89 == 0 ? "q\"" + i : i % 1009 == 0 ? "x".repeat(20000) + i : "é".repeat(i % 600) + i;
                assertThat(column.value(i)).as("row %d", i).isEqualTo(expected);
                assertThat(column.isNull(i)).isEqualTo(expected == null);
                if (i != 5 && i != 7) {
                    assertThat(successor.value(i)).isEqualTo(expected);
                }
            }
            assertThat(successor.value(5)).isEqualTo("replaced");
            assertThat(successor.value(7)).isEqualTo("replaced");
            assertThat(column.value(5)).as("the predecessor is unchanged").isEqualTo("ééééé5");
            json.reset();
            column.writeJson(89, json);
            assertThat(json.toString()).isEqualTo("\"q\\\"89\"");
            json.reset();
            column.writeJson(97, json);
            assertThat(json.toString()).isEqualTo("null");
            long raw = 0;
            for (int i = 0; i < rows; i++) {
                Object value = column.value(i);
                raw += value == null ? 0 : ((String) value).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
            assertThat(column.valueBytes()).isEqualTo(raw);
        }
    }
}
