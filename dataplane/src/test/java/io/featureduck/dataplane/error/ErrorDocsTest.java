package io.featureduck.dataplane.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/ERRORS.md lists exactly the codes of {@link ErrorCode}, in order, with their statuses and retry flag. */
class ErrorDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z_]+)` \\| (\\d{3}) \\| ([A-Z_]+) \\| (yes|no) \\|");

    @Test
    void theDocsTableIsTheEnum() throws IOException {
        List<String> documented = Files.readAllLines(Path.of("..", "docs", "ERRORS.md")).stream()
                .map(ROW::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4))
                .toList();
        List<String> declared = Arrays.stream(ErrorCode.values())
                .map(c -> c.name() + " " + c.httpStatus() + " " + c.grpcStatus() + " " + (c.retryable() ? "yes" : "no"))
                .toList();
        assertThat(documented).isEqualTo(declared);
    }
}
