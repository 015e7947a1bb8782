package io.featureduck.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.error.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every error message the unit tests' data planes answered, over HTTP and gRPC (the {@code featureduck.errors} log
 * each test class's output holds, see dataplane/pom.xml), scanned after the tests ran: none shows an absolute path of
 * this machine or a SQL statement.
 */
class ErrorBodiesIT {
    /** A message of the errors log: its first line, as slf4j-simple writes it, and the lines it continues on. */
    private static final Pattern START = Pattern.compile("^\\S+ DEBUG errors - (http|grpc) ([A-Z_]+): (.*)$");

    private static final Pattern TIMESTAMPED = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT");
    private static final Pattern ABSOLUTE = Pattern.compile("(?<![\\w.~:/%-])/[^\\s'\"(),;\\[\\]{}<>`]+");

    @Test
    void noErrorMessageShowsALocalPathOrSql() throws IOException {
        Path reports = Path.of(System.getProperty("featureduck.test.output", "target/surefire-reports"));
        List<String> messages = new ArrayList<>();
        Set<String> protocols = new TreeSet<>();
        try (Stream<Path> files = Files.list(reports)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-output.txt"))
                    .toList()) {
                StringBuilder message = null;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher start = START.matcher(line);
                    if (start.matches()) {
                        if (message != null) {
                            messages.add(message.toString());
                        }
                        protocols.add(start.group(1));
                        message = new StringBuilder(start.group(3));
                    } else if (message != null && !TIMESTAMPED.matcher(line).find()) {
                        message.append('\n').append(line);
                    } else if (message != null) {
                        messages.add(message.toString());
                        message = null;
                    }
                }
                if (message != null) {
                    messages.add(message.toString());
                }
            }
        }
        assertThat(messages)
                .as("error messages the tests' data planes answered")
                .hasSizeGreaterThan(500);
        assertThat(protocols).containsExactly("grpc", "http");

        Set<String> topLevel = new TreeSet<>();
        try (Stream<Path> roots = Files.list(Path.of("/"))) {
            roots.forEach(p -> topLevel.add(p.getFileName().toString()));
        }
        List<String> leaks = new ArrayList<>();
        for (String message : messages) {
            Matcher path = ABSOLUTE.matcher(message);
            while (path.find()) {
                String[] segments = path.group().substring(1).split("/");
                if (segments.length >= 2 && topLevel.contains(segments[0])) {
                    leaks.add("path " + path.group() + " in: " + message);
                }
            }
            if (Redaction.SQL.matcher(message).find()) {
                leaks.add("SQL in: " + message);
            }
        }
        assertThat(leaks).as("messages showing a path of this machine or SQL").isEmpty();
    }
}
