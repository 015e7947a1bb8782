package io.featureduck.dataplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.demo.DemoLakehouse;
import io.featureduck.dataplane.duckdb.DuckDbSession;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HistoricalAndParityCommandTest {
    @TempDir
    Path directory;

    @Test
    void historicalWritesParquetFromCsvEntityRows() throws Exception {
        Instant now = Instant.now();
        Path config = new DemoLakehouse(50, 4).write(directory, now);
        Instant lastHour = now.truncatedTo(ChronoUnit.HOURS);
        Path entities = directory.resolve("entities.csv");
        Files.writeString(
                entities,
                "driver_id,event_timestamp,split\n1010," + lastHour + ",train\n1010," + lastHour.minusSeconds(3600)
                        + ",test\n4242," + lastHour + ",train\n");
        Path out = directory.resolve("training.parquet");

        int exit = new CommandLine(new FeatureDuckCli())
                .execute(
                        "historical",
                        "-f",
                        config.toString(),
                        "--entities",
                        entities.toString(),
                        "--features",
                        "driver-stats:conv_rate,driver-stats:avg_daily_trips",
                        "--out",
                        out.toString(),
                        "--full-feature-names");

        assertThat(exit).isZero();
        try (DuckDbSession session = DuckDbSession.open(DuckDbSettings.defaults(), List.of(directory));
                Statement statement = session.connection().createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT split, \"driver-stats__avg_daily_trips\" FROM read_parquet('" + out + "')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("train");
            rs.getLong(2);
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("test");
            assertThat(rs.next()).isTrue();
            rs.getLong(2);
            assertThat(rs.wasNull()).as("unknown driver").isTrue();
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void parityPassesOnTheDemo() {
        Path config = new DemoLakehouse(100, 4).write(directory, Instant.now());
        ParityCommand parity = new ParityCommand();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        parity.out = new PrintStream(captured, true, StandardCharsets.UTF_8);

        int exit = new CommandLine(parity).execute("-f", config.toString());

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output)
                .contains("driver-stats: OK, 100 entities agree")
                .contains("driver-profile: OK, 100 entities agree");
    }
}
