package io.featureduck.dataplane.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * A Hudi table's files as of an instant, selected the way the Hudi specification describes, without Hudi's library:
 * the test's independent reading of the timeline that {@link HudiTableSource} gets from hudi-common.
 *
 * <p>Completed instants are the files {@code <time>.<action>} under {@code .hoodie/} (layout 1) or
 * {@code <requested>_<completed>.<action>} under {@code .hoodie/timeline/} (layout 2). A base file is named
 * {@code <fileId>_<writeToken>_<instantTime>.parquet}; per file group (partition directory and file id) the one with
 * the newest completed instant is the latest, and a file group named in a completed {@code replacecommit}'s
 * {@code partitionToReplaceFileIds} is gone from that instant on. Log files are {@code .<fileId>_<instant>.log.*}.
 */
public final class HudiReferenceTimeline {
    private static final Pattern LAYOUT_1 = Pattern.compile("(\\d{17})\\.(commit|deltacommit|replacecommit)");
    private static final Pattern LAYOUT_2 = Pattern.compile("(\\d{17})_(\\d{17})\\.(commit|deltacommit|replacecommit)");
    private static final Pattern BASE_FILE = Pattern.compile("(.+)_([^_]+)_(\\d{17})\\.parquet");
    private static final Pattern LOG_FILE = Pattern.compile("\\.(.+)_(\\d{17})\\.log\\..*");

    /**
     * One completed instant: its (requested) time, when it completed (layout 2 records it; in layout 1 the requested
     * time stands for it), its action and the file holding its metadata.
     */
    public record Instant(String time, String completed, String action, Path metadata) {}

    /** The files making up the table as of an instant. */
    public record Selection(List<Path> baseFiles, int logFilesAfterTheirBase) {}

    private final Path table;
    private final List<Instant> completed;

    public HudiReferenceTimeline(Path table) throws IOException {
        this.table = table;
        this.completed = completedInstants(table);
    }

    public List<Instant> completed() {
        return completed;
    }

    /** The latest base file of every live file group as of {@code instantTime}, and how many log files follow them. */
    public Selection asOf(String instantTime) throws IOException {
        Set<String> visible = new HashSet<>();
        Set<String> replaced = new HashSet<>();
        for (Instant instant : completed) {
            if (instant.time().compareTo(instantTime) <= 0) {
                visible.add(instant.time());
                if (instant.action().equals("replacecommit")) {
                    replaced.addAll(replacedFileGroups(instant));
                }
            }
        }
        Map<String, String> newestInstant = new TreeMap<>();
        Map<String, Path> newestFile = new HashMap<>();
        List<String[]> logs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(table)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = table.relativize(file);
                if (relative.startsWith(".hoodie")) {
                    continue;
                }
                String partition =
                        relative.getParent() == null ? "" : relative.getParent().toString();
                String name = file.getFileName().toString();
                Matcher base = BASE_FILE.matcher(name);
                Matcher log = LOG_FILE.matcher(name);
                if (base.matches() && visible.contains(base.group(3))) {
                    String group = partition + "/" + base.group(1);
                    if (newestInstant.getOrDefault(group, "").compareTo(base.group(3)) < 0) {
                        newestInstant.put(group, base.group(3));
                        newestFile.put(group, file);
                    }
                } else if (log.matches()) {
                    logs.add(new String[] {partition + "/" + log.group(1), log.group(2)});
                }
            }
        }
        List<Path> files = new ArrayList<>();
        newestInstant.keySet().stream()
                .filter(group -> !replaced.contains(group))
                .forEach(g -> files.add(newestFile.get(g)));
        int pendingLogs = 0;
        for (String[] log : logs) {
            String baseInstant = newestInstant.get(log[0]);
            if (baseInstant != null
                    && !replaced.contains(log[0])
                    && log[1].compareTo(baseInstant) >= 0
                    && log[1].compareTo(instantTime) <= 0) {
                pendingLogs++;
            }
        }
        return new Selection(files, pendingLogs);
    }

    private static List<Instant> completedInstants(Path table) throws IOException {
        Path layout2 = table.resolve(".hoodie/timeline");
        boolean v2 = Files.isDirectory(layout2);
        List<Instant> instants = new ArrayList<>();
        try (Stream<Path> files = Files.list(v2 ? layout2 : table.resolve(".hoodie"))) {
            for (Path file : files.toList()) {
                Matcher m =
                        (v2 ? LAYOUT_2 : LAYOUT_1).matcher(file.getFileName().toString());
                if (m.matches()) {
                    instants.add(new Instant(m.group(1), m.group(v2 ? 2 : 1), m.group(v2 ? 3 : 2), file));
                }
            }
        }
        instants.sort(java.util.Comparator.comparing(Instant::time));
        return instants;
    }

    /** {@code partition/fileId} of every file group a replacecommit replaced: JSON in layout 1, an Avro file in 2. */
    private Set<String> replacedFileGroups(Instant instant) throws IOException {
        Set<String> groups = new HashSet<>();
        byte[] content = Files.readAllBytes(instant.metadata());
        if (content.length > 3 && content[0] == 'O' && content[1] == 'b' && content[2] == 'j') {
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(new SeekableByteArrayInput(content), new GenericDatumReader<>())) {
                GenericRecord record = reader.next();
                Object byPartition = record.get("partitionToReplaceFileIds");
                if (byPartition instanceof Map<?, ?> map) {
                    map.forEach((partition, ids) -> ((List<?>) ids).forEach(id -> groups.add(partition + "/" + id)));
                }
            }
        } else {
            JsonNode json = new ObjectMapper().readTree(content);
            json.path("partitionToReplaceFileIds")
                    .properties()
                    .forEach(entry -> entry.getValue().forEach(id -> groups.add(entry.getKey() + "/" + id.asText())));
        }
        return groups;
    }
}
