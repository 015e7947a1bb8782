package io.featureduck.dataplane.demo;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The demo's lakehouse: hourly statistics of a few thousand drivers over the last days, committed one day per Delta
 * version as a pipeline would, plus a driver profile table. Values are derived from hashes of the key and hour, so
 * every run writes the same values relative to its start time.
 *
 * <p>Drivers {@value #FIRST_DRIVER} to {@value #FIRST_DRIVER} + {@value #INACTIVE_DRIVERS} - 1 stopped reporting
 * three days ago, so with the view's 48h TTL they show {@code OUTSIDE_MAX_AGE}.
 */
public final class DemoLakehouse {
    /** The serving configuration, shared with {@code examples/local/feature-store.yaml}. */
    public static final String CONFIG_RESOURCE = "/examples/local/feature-store.yaml";

    public static final String CONFIG_FILE = "feature-store.yaml";
    public static final long FIRST_DRIVER = 1001;
    public static final int INACTIVE_DRIVERS = 5;

    private final int drivers;
    private final int days;

    public DemoLakehouse(int drivers, int days) {
        this.drivers = drivers;
        this.days = days;
    }

    /**
     * Writes tables and configuration into {@code directory}, replacing the demo tables of an earlier run (appending
     * to them would give the profile table two rows per driver); returns the configuration file.
     */
    public Path write(Path directory, Instant now) {
        Path root = directory.toAbsolutePath().normalize();
        Path lakehouse = root.resolve("lakehouse");
        try {
            for (String table : List.of("driver_hourly_stats", "driver_profile")) {
                deleteRecursively(lakehouse.resolve(table));
            }
            Files.createDirectories(lakehouse);
            try (InputStream config = DemoLakehouse.class.getResourceAsStream(CONFIG_RESOURCE)) {
                if (config == null) {
                    throw new IllegalStateException("demo configuration " + CONFIG_RESOURCE + " missing from the jar");
                }
                Files.write(root.resolve(CONFIG_FILE), config.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo into " + root, e);
        }
        Engine engine = DefaultEngine.create(new Configuration());
        DuckDbSettings settings = DuckDbSettings.defaults();
        try (DuckDbSession session = DuckDbSession.open(settings, List.of(lakehouse, settings.tempDirectory()))) {
            writeDriverStats(
                    new DeltaTableWriter(engine, lakehouse.resolve("driver_hourly_stats")),
                    session,
                    now.truncatedTo(ChronoUnit.HOURS));
            writeDriverProfile(new DeltaTableWriter(engine, lakehouse.resolve("driver_profile")), session);
        }
        return root.resolve(CONFIG_FILE);
    }

    /** The columns of the demo's {@code driver_hourly_stats} table. */
    public static StructType driverStatsSchema() {
        return new StructType()
                .add("driver_id", LongType.LONG, false)
                .add("event_timestamp", TimestampType.TIMESTAMP, false)
                .add("created", TimestampType.TIMESTAMP, false)
                .add("conv_rate", FloatType.FLOAT)
                .add("acc_rate", FloatType.FLOAT)
                .add("avg_daily_trips", LongType.LONG);
    }

    private void writeDriverStats(DeltaTableWriter writer, DuckDbSession session, Instant lastHour) {
        StructType schema = driverStatsSchema();
        for (int day = days - 1; day >= 0; day--) {
            // One version per day, oldest first: hours (day+1)*24-1 .. day*24 before the last hour.
            String hours = "range(" + day * 24 + ", " + (day + 1) * 24 + ")";
            String select = "SELECT d.range::BIGINT AS driver_id,"
                    + " make_timestamp(" + micros(lastHour)
                    + "::BIGINT - h.range * 3600000000)::TIMESTAMPTZ AS event_timestamp,"
                    + " make_timestamp(" + micros(lastHour)
                    + "::BIGINT - h.range * 3600000000 + 60000000)::TIMESTAMPTZ AS created,"
                    + " CAST((hash(d.range, h.range, 'conv') % 1000) / 1000.0 AS FLOAT) AS conv_rate,"
                    + " CAST((hash(d.range, h.range, 'acc') % 1000) / 1000.0 AS FLOAT) AS acc_rate,"
                    + " CAST(hash(d.range, h.range, 'trips') % 500 AS BIGINT) AS avg_daily_trips"
                    + " FROM range(" + FIRST_DRIVER + ", " + (FIRST_DRIVER + drivers) + ") d, " + hours + " h"
                    + " WHERE d.range >= " + (FIRST_DRIVER + INACTIVE_DRIVERS) + " OR h.range >= 72"
                    + " ORDER BY driver_id, event_timestamp";
            // A day without rows for the inactive drivers still commits: hourly pipelines commit every run.
            writer.append(session, select, schema);
        }
    }

    private void writeDriverProfile(DeltaTableWriter writer, DuckDbSession session) {
        StructType schema = new StructType()
                .add("driver_id", LongType.LONG, false)
                .add("name", StringType.STRING)
                .add("vehicle_type", StringType.STRING)
                .add("rating", DoubleType.DOUBLE)
                .add("signup_date", DateType.DATE)
                .add("languages", new ArrayType(StringType.STRING, true));
        String select = "SELECT range::BIGINT AS driver_id, 'Driver ' || range AS name,"
                + " ['sedan', 'suv', 'van', 'bike'][CAST(1 + hash(range, 'vehicle') % 4 AS BIGINT)] AS vehicle_type,"
                + " round(3.0 + (hash(range, 'rating') % 200) / 100.0, 2)::DOUBLE AS rating,"
                + " DATE '2020-01-01' + CAST(hash(range, 'signup') % 1500 AS INTEGER) AS signup_date,"
                + " CASE WHEN range % 3 = 0 THEN ['en', 'es'] ELSE ['en'] END AS languages"
                + " FROM range(" + FIRST_DRIVER + ", " + (FIRST_DRIVER + drivers) + ")";
        writer.append(session, select, schema);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L;
    }
}
