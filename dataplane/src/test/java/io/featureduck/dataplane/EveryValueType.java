package io.featureduck.dataplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A Parquet table with a column of every value type and rows of their edge values (extremes, NaN, -0.0, the epoch and
 * before it, UTF-8 beyond the BMP, empty bytes and lists, nulls), and a store serving it as the view {@code values}
 * keyed by {@code id} 1 to 4.
 */
public final class EveryValueType {
    private EveryValueType() {}

    /**
     * Writes {@code directory/lakehouse/values} and {@code directory/store.yaml}, whose store has {@code dataPlane}
     * (YAML flow) as its {@code spec.dataPlane}; returns the file.
     */
    public static Path write(Path directory, String dataPlane) throws IOException, SQLException {
        Path table = Files.createDirectories(directory.resolve("lakehouse/values"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT * FROM (VALUES "
                    + "(1, TIMESTAMPTZ '2026-01-02 03:04:05.678901+00', 7::INTEGER, 1234567890123::BIGINT, "
                    + "0.25::FLOAT, 3.5::DOUBLE, true, 'plain', '\\x01\\x02'::BLOB, "
                    + "TIMESTAMPTZ '2026-01-01 00:00:00+00', DATE '2026-01-31', [1, 2]::BIGINT[]), "
                    + "(2, TIMESTAMPTZ '1969-07-20 20:17:40.123456+00', (-2147483648)::INTEGER, "
                    + "(-9223372036854775808)::BIGINT, '-0.0'::FLOAT, 'NaN'::DOUBLE, false, '', ''::BLOB, "
                    + "TIMESTAMPTZ '1969-12-31 23:59:59.5+00', DATE '1900-01-01', []::BIGINT[]), "
                    + "(3, TIMESTAMPTZ '2026-01-03 00:00:00+00', NULL::INTEGER, NULL::BIGINT, NULL::FLOAT, "
                    + "NULL::DOUBLE, NULL::BOOLEAN, NULL::VARCHAR, NULL::BLOB, NULL::TIMESTAMPTZ, NULL::DATE, "
                    + "NULL::BIGINT[]), "
                    + "(4, TIMESTAMPTZ '1970-01-01 00:00:00+00', 2147483647::INTEGER, 9223372036854775807::BIGINT, "
                    + "3.4e38::FLOAT, 1e308::DOUBLE, true, 'héllo ✓ 𝄞', '\\x00\\xFF'::BLOB, "
                    + "TIMESTAMPTZ '2262-04-11 23:47:16+00', DATE '2999-12-31', [-1, 9223372036854775807]::BIGINT[])"
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
                  dataPlane: %s
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
                """.formatted(dataPlane));
        return file;
    }
}
