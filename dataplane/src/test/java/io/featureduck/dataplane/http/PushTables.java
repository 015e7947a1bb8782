package io.featureduck.dataplane.http;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.ComparableValues;
import io.featureduck.dataplane.IcebergTestTables;
import io.featureduck.dataplane.KernelReferenceReader;
import io.featureduck.dataplane.SnapshotRows;
import io.featureduck.dataplane.demo.DeltaTableWriter;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.duckdb.Sql;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.types.Types;

/**
 * One table schema (driver_id, event_timestamp, created, conv_rate, trips, city) in each format pushes write, each
 * created, appended to by "another writer" and read back with its format's own library, never through FeatureDuck:
 * Delta Kernel's reader, Iceberg's generic reader, DuckDB over the Parquet directory.
 */
enum PushTables {
    DELTA,
    ICEBERG,
    PARQUET;

    static final Schema ICEBERG_SCHEMA = new Schema(
            Types.NestedField.required(1, "driver_id", Types.LongType.get()),
            Types.NestedField.required(2, "event_timestamp", Types.TimestampType.withZone()),
            Types.NestedField.optional(3, "created", Types.TimestampType.withZone()),
            Types.NestedField.optional(4, "conv_rate", Types.DoubleType.get()),
            Types.NestedField.optional(5, "trips", Types.IntegerType.get()),
            Types.NestedField.optional(6, "city", Types.StringType.get()));
    static final StructType DELTA_SCHEMA = new StructType()
            .add("driver_id", LongType.LONG)
            .add("event_timestamp", TimestampType.TIMESTAMP)
            .add("created", TimestampType.TIMESTAMP)
            .add("conv_rate", DoubleType.DOUBLE)
            .add("trips", IntegerType.INTEGER)
            .add("city", StringType.STRING);

    private static final Engine ENGINE = DefaultEngine.create(TableSourceFactory.hadoopConfiguration());

    String format() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Creates the table with one row per driver of {@code drivers}, at {@code time}. */
    void create(Path table, List<Long> drivers, Instant time) {
        switch (this) {
            case DELTA -> appendExternally(table, drivers, time);
            case ICEBERG -> {
                IcebergTestTables.create(
                        table,
                        ICEBERG_SCHEMA,
                        PartitionSpec.builderFor(ICEBERG_SCHEMA)
                                .identity("city")
                                .build());
                appendExternally(table, drivers, time);
            }
            case PARQUET -> appendExternally(table, drivers, time);
        }
    }

    /** Another writer's commit of one row per driver (conv_rate = driver / 1000, city "paris"). */
    void appendExternally(Path table, List<Long> drivers, Instant time) {
        switch (this) {
            case DELTA -> {
                try (DuckDbSession session =
                        DuckDbSession.open(DuckDbSettings.defaults(), List.of(table.getParent()))) {
                    new DeltaTableWriter(ENGINE, table).append(session, select(drivers, time), DELTA_SCHEMA);
                }
            }
            case ICEBERG -> {
                Table iceberg = new HadoopTables(TableSourceFactory.hadoopConfiguration()).load(table.toString());
                List<Record> records = new ArrayList<>();
                for (long driver : drivers) {
                    GenericRecord record = GenericRecord.create(ICEBERG_SCHEMA);
                    record.setField("driver_id", driver);
                    record.setField("event_timestamp", OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
                    record.setField("created", OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
                    record.setField("conv_rate", driver / 1000.0);
                    record.setField("trips", (int) (driver % 100));
                    record.setField("city", "paris");
                    records.add(record);
                }
                GenericRecord partition = GenericRecord.create(iceberg.spec().partitionType());
                partition.set(0, "paris");
                iceberg.newAppend()
                        .appendFile(IcebergTestTables.writeData(iceberg, partition, records))
                        .commit();
            }
            case PARQUET -> {
                Path file = table.resolve("city=paris").resolve("external-" + UUID.randomUUID() + ".parquet");
                try (DuckDbSession session =
                        DuckDbSession.open(DuckDbSettings.defaults(), List.of(table.getParent()))) {
                    Files.createDirectories(file.getParent());
                    session.execute("COPY (SELECT * EXCLUDE (city) FROM (" + select(drivers, time) + ")) TO "
                            + Sql.stringLiteral(file.toString()) + " (FORMAT parquet)");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static String select(List<Long> drivers, Instant time) {
        StringBuilder values = new StringBuilder();
        for (long driver : drivers) {
            values.append(values.isEmpty() ? "" : ", ")
                    .append("(")
                    .append(driver)
                    .append(")");
        }
        String ts = "make_timestamp(" + (time.getEpochSecond() * 1_000_000L + time.getNano() / 1000) + "::BIGINT)"
                + "::TIMESTAMPTZ";
        return "SELECT d::BIGINT AS driver_id, " + ts + " AS event_timestamp, " + ts + " AS created, "
                + "d / 1000.0::DOUBLE AS conv_rate, (d % 100)::INTEGER AS trips, 'paris' AS city "
                + "FROM (VALUES " + values + ") AS v(d)";
    }

    /** Every row, as the format's own reader returns it, values in {@link ComparableValues} form. */
    List<Map<String, Object>> readAll(Path table) throws Exception {
        return switch (this) {
            case DELTA -> KernelReferenceReader.readAll(ENGINE, table);
            case ICEBERG -> {
                Table iceberg = new HadoopTables(TableSourceFactory.hadoopConfiguration()).load(table.toString());
                List<Map<String, Object>> rows = new ArrayList<>();
                try (org.apache.iceberg.io.CloseableIterable<Record> records =
                        IcebergGenerics.read(iceberg).build()) {
                    for (Record record : records) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (Types.NestedField field : ICEBERG_SCHEMA.columns()) {
                            row.put(field.name(), ComparableValues.of(record.getField(field.name())));
                        }
                        rows.add(row);
                    }
                }
                yield rows;
            }
            case PARQUET ->
                SnapshotRows.query(
                        List.of(table),
                        "SELECT * FROM read_parquet(" + Sql.stringLiteral(table + "/**/*.parquet")
                                + ", hive_partitioning = true, union_by_name = true)");
        };
    }

    /** How many versions the table has had: commits for Delta and Iceberg, data files for a Parquet directory. */
    long commits(Path table) throws IOException {
        return switch (this) {
            case DELTA -> {
                try (var files = Files.list(table.resolve("_delta_log"))) {
                    yield files.filter(f -> f.getFileName().toString().endsWith(".json"))
                            .count();
                }
            }
            case ICEBERG -> {
                Table iceberg = new HadoopTables(TableSourceFactory.hadoopConfiguration()).load(table.toString());
                long count = 0;
                for (var ignored : iceberg.snapshots()) {
                    count++;
                }
                yield count;
            }
            case PARQUET -> {
                try (var files = Files.walk(table)) {
                    yield files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                            .count();
                }
            }
        };
    }
}
