package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index assembled for one request from rows another shard sent holds every value bit for bit as the sending
 * shard's index does, for every value type (fixed-width values travel as their bits, the others as their stored
 * bytes), says which table versions it was assembled from, and marks the keys whose shard could not be asked.
 */
class AssembledIndexTest {
    @TempDir
    Path directory;

    @Test
    void rowsTravelledAsBitsAndBytesEqualTheSendersValuesOfEveryType() throws Exception {
        Path table = Files.createDirectories(directory.resolve("lakehouse/values"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT * FROM (VALUES "
                    + "(1, TIMESTAMPTZ '2026-01-02 03:04:05.678901+00', 7::INTEGER, 1234567890123::BIGINT, "
                    + "0.25::FLOAT, 3.5::DOUBLE, true, 'héllo ✓', '\\x01\\xFF'::BLOB, "
                    + "TIMESTAMPTZ '2026-01-01 00:00:00+00', DATE '2026-01-31', [1, 2]::BIGINT[]), "
                    + "(2, TIMESTAMPTZ '1969-07-20 20:17:40.123456+00', (-2147483648)::INTEGER, "
                    + "(-9223372036854775808)::BIGINT, '-0.0'::FLOAT, 'NaN'::DOUBLE, false, '', ''::BLOB, "
                    + "TIMESTAMPTZ '1969-12-31 23:59:59.5+00', DATE '1900-01-01', []::BIGINT[]), "
                    + "(3, TIMESTAMPTZ '2026-01-03 00:00:00+00', NULL::INTEGER, NULL::BIGINT, NULL::FLOAT, "
                    + "NULL::DOUBLE, NULL::BOOLEAN, NULL::VARCHAR, NULL::BLOB, NULL::TIMESTAMPTZ, NULL::DATE, "
                    + "NULL::BIGINT[])"
                    + ") AS t(id, ts, i32, i64, f32, f64, flag, name, blob, seen_at, day, ids)) TO '"
                    + table.resolve("part-0.parquet") + "' (FORMAT parquet)");
        }
        Path file = directory.resolve("store.yaml");
        Files.writeString(file, """
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureStore
                metadata: {name: lake}
                spec:
                  lakehouse: {format: parquet, root: lakehouse}
                  dataPlane: {auth: {type: none}}
                ---
                apiVersion: featureduck.io/v1alpha1
                kind: FeatureView
                metadata: {name: values}
                spec:
                  store: lake
                  source: {path: values, timestampColumn: ts}
                  entities: [{name: id, type: int64}]
                  features:
                    - {name: i32, type: int32}
                    - {name: i64, type: int64}
                    - {name: f32, type: float32}
                    - {name: f64, type: float64}
                    - {name: flag, type: bool}
                    - {name: name, type: string}
                    - {name: blob, type: bytes}
                    - {name: seen_at, type: timestamp}
                    - {name: day, type: date}
                    - {name: ids, type: list<int64>}
                """);
        ServingConfig config = new ServingConfigLoader().load(file);
        ViewDefinition view = config.views().get(0);
        OnlineIndex sender = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC())
                .load(view, new TableSourceFactory().forView(view));

        AssembledIndex assembled = new AssembledIndex(sender, 4);
        for (long id = 1; id <= 3; id++) {
            int from = sender.rowOf(id);
            int row = assembled.add(id, sender.eventMicros(from));
            for (int f = 0; f < view.features().size(); f++) {
                FeatureColumn column = sender.column(f);
                if (column.isNull(from)) {
                    continue;
                }
                if (column.isFixedWidth()) {
                    assembled.column(f).putBits(row, column.bits(from));
                } else {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    column.bytes(from, bytes::write);
                    assembled.column(f).putBytes(row, bytes.toByteArray());
                }
            }
        }
        assembled.version(sender.tableVersion() + 1);
        assembled.unavailable(99L);
        OnlineIndex index = assembled.build();

        for (long id = 1; id <= 3; id++) {
            int expected = sender.rowOf(id);
            int actual = index.rowOf(id);
            assertThat(index.eventMicros(actual)).isEqualTo(sender.eventMicros(expected));
            for (int f = 0; f < view.features().size(); f++) {
                Object want = sender.value(f, expected);
                Object got = index.value(f, actual);
                assertThat(got instanceof byte[] b ? Arrays.toString(b) : got)
                        .as("id %d, feature %s", id, view.features().get(f).name())
                        .isEqualTo(want instanceof byte[] b ? Arrays.toString(b) : want);
                assertThat(index.column(f).isNull(actual))
                        .isEqualTo(sender.column(f).isNull(expected));
            }
            assertThat(index.freshness(actual, Long.MAX_VALUE / 2)).isEqualTo(LookupStatus.PRESENT);
        }
        assertThat(index.freshness(index.rowOf(99L), 0)).isEqualTo(LookupStatus.UNAVAILABLE);
        assertThat(index.holding().versions())
                .as("two shards answered from different versions")
                .isEqualTo(List.of(sender.tableVersion(), sender.tableVersion() + 1));
    }
}
