package io.featureduck.dataplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A table read by an engine that shares no code with the data plane: {@code src/test/python/read_table.py} run by the
 * Python the build installs into {@code target/python} (delta-rs, pyiceberg, pyarrow; pinned in
 * {@code src/test/python/requirements.txt}). Each row comes back as a map of plain values: times as ISO-8601 UTC with
 * microseconds, dates as ISO dates, numbers and text as JSON has them.
 */
public final class PythonReader {
    private static final Path PYTHON = Path.of("target", "python", "bin", "python");
    private static final Path SCRIPT = Path.of("src", "test", "python", "read_table.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PythonReader() {}

    /**
     * @param kind       {@code delta}, {@code iceberg} or {@code parquet}
     * @param partitions a Parquet directory's partition columns with pyarrow type names ({@code region:string,
     *                   day:date32}); empty for the table formats, which declare them
     */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> read(String kind, Path table, String partitions)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError(PYTHON + " is missing: the build creates it (mvn generate-test-resources, "
                    + "execution python-readers-install of dataplane/pom.xml)");
        }
        Process process = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), kind, table.toString(), partitions)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("read_table.py " + kind + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("read_table.py " + kind + " failed (exit " + process.exitValue() + "): " + out);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readValue(line, Map.class));
            }
        }
        return rows;
    }
}
